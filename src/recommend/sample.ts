/** Deterministic random sampling, so every node and every restart draws the same background papers. */

/** mulberry32: a small, fast 32-bit generator; plenty for picking papers, not for secrets. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `count` distinct integers drawn uniformly from [low, high] (all of them when the range is smaller). */
export function sampleIntegers(low: number, high: number, count: number, seed: number): number[] {
  const size = high - low + 1;
  if (size <= 0 || count <= 0) return [];
  if (count >= size) return Array.from({ length: size }, (_, i) => low + i);
  const random = seededRandom(seed);
  if (count > size / 2) {
    // Drawing most of a small range by rejection would keep hitting numbers already drawn: shuffle instead.
    const all = Array.from({ length: size }, (_, i) => low + i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(random() * (size - i));
      [all[i], all[j]] = [all[j] ?? 0, all[i] ?? 0];
    }
    return all.slice(0, count);
  }
  const picked = new Set<number>();
  while (picked.size < count) picked.add(low + Math.floor(random() * size));
  return [...picked];
}
