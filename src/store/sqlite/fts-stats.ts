import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { startWorker } from '../../ops/worker.js';
import type { CorpusStatistics } from '../../search/bm25.js';
import { planSearch, type SearchPlan } from '../../search/plan.js';
import type { ParsedQuery } from '../../search/query.js';
import { stem } from '../../search/terms.js';
import type { TermCountsMessage } from './term-count-worker.js';

/** SQLite's variable-length integers (big-endian 7-bit groups; a ninth byte carries 8 bits). */
function readVarints(bytes: Uint8Array): number[] {
  const values: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    let value = 0;
    for (let n = 1; i < bytes.length; n++) {
      const byte = bytes[i++] ?? 0;
      if (n === 9) {
        value = value * 256 + byte;
        break;
      }
      value = value * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) break;
    }
    values.push(value);
  }
  return values;
}

/** Every term's document count at one index generation (see TermCountsMessage). */
interface TermCounts {
  generation: Buffer;
  documents: number;
  counts: Map<string, number>;
  countedAt: number;
}

export interface FtsStatsOptions {
  /**
   * The database file, for counting every term in a worker thread; null (an in-memory database) counts
   * terms one at a time only.
   */
  path: string | null;
  /**
   * Below this many papers a term is cheap enough to count when asked: no worker. Counting every term pays
   * off once single counts cost milliseconds: common words at tens of thousands of papers.
   */
  countAllFrom: number;
}
/** Counts stand in for the index's while its paper count has moved by at most this share since. */
const COUNTS_DRIFT = 0.01;
/** Counts that merely stand in are counted again after this long. */
const RECOUNT_AFTER_MS = 10 * 60_000;
/** After a failed count (the file gone, say), the next waits this long. */
const RETRY_AFTER_MS = 60_000;

/**
 * The index's statistics: row count and mean length from FTS5's "averages" record, document
 * frequencies from its vocabulary. FTS5 counts a term's documents by walking its whole posting list,
 * which for a common word costs as much as a search, so frequencies are cached, and dropped whenever
 * the averages record changes (any paper indexed, changed, hidden or removed). A zero is never cached:
 * the planner drops words no paper has, and an edit that keeps the token totals must not hide a word.
 *
 * At large indexes a worker thread counts every term at once (TermCounts), and those counts answer
 * without touching the index: exactly while the index is unchanged, and approximately while it has grown
 * or shrunk by at most COUNTS_DRIFT (a day's harvest at a million papers moves a word's weight by far
 * less than ranking can tell), until a recount replaces them.
 */
export class FtsStats implements CorpusStatistics {
  documents = 0;
  averageLength = 0;
  /** Goes up whenever the index has changed: results cached for an older version are stale. */
  version = 0;
  private readonly frequencies = new Map<string, number>();
  private readonly boundedFrequencies = new Map<string, number>();
  private readonly countUpTo: Database.Statement<[string, number], number>;
  private generation: Buffer | null = null;
  private readonly lookup: Database.Statement<[string], number>;
  private readonly averages: Database.Statement<[], Buffer | undefined>;
  private termCounts: TermCounts | null = null;
  /** Whether termCounts are of the current generation (exact) or only stand in for it. */
  private termCountsExact = false;
  private counting: { worker: Worker; done: Promise<void> } | null = null;
  private countFailedAt = 0;

  constructor(
    db: Database.Database,
    private readonly options: FtsStatsOptions = { path: null, countAllFrom: Infinity },
  ) {
    // A temp table: the vocabulary view exists per connection and needs no migration.
    db.exec(
      `CREATE VIRTUAL TABLE IF NOT EXISTS temp.papers_fts_terms USING fts5vocab (main, 'papers_fts', 'row')`,
    );
    this.lookup = db
      .prepare<[string], number>('SELECT doc FROM temp.papers_fts_terms WHERE term = ?')
      .pluck();
    // The index yields a term's papers in row order as it reads them: the LIMIT stops the reading.
    this.countUpTo = db
      .prepare<[string, number], number>(
        'SELECT count(*) FROM (SELECT 1 FROM papers_fts WHERE papers_fts MATCH ? LIMIT ?)',
      )
      .pluck();
    // Record 1 of the index's data: the row count, then the total number of tokens of each column.
    this.averages = db
      .prepare<[], Buffer | undefined>('SELECT block FROM papers_fts_data WHERE id = 1')
      .pluck();
  }

  /** Brings the statistics up to date; call once per search, inside its read transaction. */
  refresh(): this {
    const averages = this.averages.get() ?? Buffer.alloc(0);
    if (!this.generation?.equals(averages)) {
      this.generation = averages;
      this.version++;
      this.frequencies.clear();
      this.boundedFrequencies.clear();
      const [rows = 0, ...columnTokens] = readVarints(averages);
      this.documents = rows;
      this.averageLength = rows > 0 ? columnTokens.reduce((a, b) => a + b, 0) / rows : 0;
      this.judgeTermCounts();
    }
    this.countAllTermsWhenDue();
    return this;
  }

  /** Counts of every term, when a worker has counted them and they still stand for the index. */
  private usableTermCounts(): TermCounts | null {
    return this.termCounts && (this.termCountsExact || this.drift(this.termCounts) <= COUNTS_DRIFT)
      ? this.termCounts
      : null;
  }

  private drift(counts: TermCounts): number {
    return Math.abs(this.documents - counts.documents) / Math.max(1, this.documents);
  }

  private judgeTermCounts(): void {
    this.termCountsExact = this.generation !== null && !!this.termCounts?.generation.equals(this.generation);
  }

  private countAllTermsWhenDue(): void {
    const { path, countAllFrom } = this.options;
    if (path === null || this.counting || this.documents < countAllFrom) return;
    if (Date.now() - this.countFailedAt < RETRY_AFTER_MS) return;
    const counts = this.termCounts;
    if (
      counts &&
      (this.termCountsExact || (this.usableTermCounts() && Date.now() - counts.countedAt < RECOUNT_AFTER_MS))
    )
      return;
    const worker = startWorker(new URL('./term-count-worker', import.meta.url), path);
    // A command that searches once and ends must not wait for the count.
    worker.unref();
    const done = new Promise<void>((resolve) => {
      worker.once('message', (message: TermCountsMessage) => {
        const terms = message.terms === '' ? [] : message.terms.split('\n');
        const generation = Buffer.from(message.averages);
        this.termCounts = {
          generation,
          documents: readVarints(generation)[0] ?? 0,
          counts: new Map(terms.map((term, i) => [term, message.counts[i] ?? 0])),
          countedAt: Date.now(),
        };
        this.judgeTermCounts();
      });
      worker.once('error', () => (this.countFailedAt = Date.now()));
      worker.once('exit', () => {
        this.counting = null;
        resolve();
      });
    });
    this.counting = { worker, done };
  }

  /** Whether a worker's counts of every term answer for the index now, and how (for tests). */
  get termCountsState(): 'none' | 'exact' | 'approximate' {
    if (!this.usableTermCounts()) return 'none';
    return this.termCountsExact ? 'exact' : 'approximate';
  }

  /** Resolves when no count of every term is under way (for tests). */
  async settled(): Promise<void> {
    await this.counting?.done;
  }

  /** Stops a count under way; the store calls it when it closes. */
  async close(): Promise<void> {
    await this.counting?.worker.terminate();
  }

  frequency(term: string): number {
    let df = this.frequencies.get(term);
    if (df !== undefined) return df;
    const counted = this.countedFrequency(term);
    if (counted !== undefined) return counted;
    df = this.lookup.get(term) ?? 0;
    if (df > 0) this.frequencies.set(term, df);
    return df;
  }

  /**
   * The term's count from the worker's counts, when they stand for the index. A term they lack has no paper
   * when they are exact; when they only stand in, it may be a new word, counted from the index instead.
   */
  private countedFrequency(term: string): number | undefined {
    const counts = this.usableTermCounts();
    if (!counts) return undefined;
    return counts.counts.get(term) ?? (this.termCountsExact ? 0 : undefined);
  }

  /**
   * The term's document frequency, or `cap` when it is at least that: counting stops there, where an exact
   * frequency costs a read of the whole posting list (tens of milliseconds for a common word at a million
   * papers). For weighing many words whose exact rarity matters only among the rare ones.
   */
  frequencyUpTo(term: string, cap: number): number {
    const exact = this.frequencies.get(term) ?? this.countedFrequency(term);
    if (exact !== undefined) return Math.min(exact, cap);
    const key = `${cap}:${term}`;
    let df = this.boundedFrequencies.get(key);
    if (df === undefined) {
      df = this.countUpTo.get(`"${term.replaceAll('"', '""')}"`, cap) ?? 0;
      this.boundedFrequencies.set(key, df);
    }
    return df;
  }

  plan(query: ParsedQuery): SearchPlan {
    return planSearch(query, (word) => this.frequency(stem(word.text)), this.documents);
  }
}
