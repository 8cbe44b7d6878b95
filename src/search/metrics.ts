/**
 * Ranking quality measures as trec_eval (and so BEIR) computes them, for the relevance harness.
 * `ranked` is a result list, best first; `relevant` maps a document id to its graded judgement
 * (0 or missing = not relevant).
 */
export type Judgements = ReadonlyMap<string, number>;

/** Normalised discounted cumulative gain over the first k results, with linear gain (trec_eval's ndcg_cut). */
export function ndcgAt(k: number, ranked: readonly string[], relevant: Judgements): number {
  const dcg = ranked.slice(0, k).reduce((sum, id, i) => sum + (relevant.get(id) ?? 0) / Math.log2(i + 2), 0);
  const ideal = [...relevant.values()]
    .filter((grade) => grade > 0)
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, grade, i) => sum + grade / Math.log2(i + 2), 0);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Share of the relevant documents found in the first k results. */
export function recallAt(k: number, ranked: readonly string[], relevant: Judgements): number {
  const wanted = [...relevant.values()].filter((grade) => grade > 0).length;
  if (wanted === 0) return 0;
  const found = ranked.slice(0, k).filter((id) => (relevant.get(id) ?? 0) > 0).length;
  return found / wanted;
}

/** Reciprocal rank of the first relevant result within the first k, 0 when there is none. */
export function reciprocalRankAt(k: number, ranked: readonly string[], relevant: Judgements): number {
  const index = ranked.slice(0, k).findIndex((id) => (relevant.get(id) ?? 0) > 0);
  return index < 0 ? 0 : 1 / (index + 1);
}

/** The value below which `p` percent of the samples fall (nearest-rank method). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

export function mean(samples: readonly number[]): number {
  return samples.length === 0 ? 0 : samples.reduce((a, b) => a + b, 0) / samples.length;
}
