/**
 * Results computed from the full-text index (similar papers, topic trends), kept for one version of it
 * (see FtsStats.version): any paper indexed, changed or removed clears them all. The least recently used
 * entry goes first when the cache is full.
 */
export class IndexCache<T> {
  private readonly entries = new Map<string, T>();
  private version = -1;

  constructor(private readonly size: number) {}

  get(version: number, key: string, compute: () => T): T {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    let value = this.entries.get(key);
    if (value === undefined) value = compute();
    else this.entries.delete(key);
    this.entries.set(key, value);
    const oldest = this.entries.keys().next();
    if (this.entries.size > this.size && !oldest.done) this.entries.delete(oldest.value);
    return value;
  }
}
