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
    const value = this.peek(version, key) ?? compute();
    this.set(version, key, value);
    return value;
  }

  /** The value kept for `key` at this version, if any (for values computed asynchronously, then `set`). */
  peek(version: number, key: string): T | undefined {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    return this.entries.get(key);
  }

  /** Keeps a value computed at `version`; one computed at an older version than the cache's is dropped. */
  set(version: number, key: string, value: T): void {
    if (version < this.version) return;
    if (version > this.version) {
      this.entries.clear();
      this.version = version;
    }
    this.entries.delete(key);
    this.entries.set(key, value);
    const oldest = this.entries.keys().next();
    if (this.entries.size > this.size && !oldest.done) this.entries.delete(oldest.value);
  }
}
