import type Database from 'better-sqlite3';
import type { CorpusStatistics } from '../../search/bm25.js';
import { planSearch, type SearchPlan } from '../../search/plan.js';
import type { ParsedQuery } from '../../search/query.js';
import { stem } from '../../search/terms.js';

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

/**
 * The index's statistics: row count and mean length from FTS5's "averages" record, document
 * frequencies from its vocabulary. FTS5 counts a term's documents by walking its whole posting list,
 * which for a common word costs as much as a search, so frequencies are cached, and dropped whenever
 * the averages record changes (any paper indexed, changed, hidden or removed). A zero is never cached:
 * the planner drops words no paper has, and an edit that keeps the token totals must not hide a word.
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

  constructor(db: Database.Database) {
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
    if (this.generation?.equals(averages)) return this;
    this.generation = averages;
    this.version++;
    this.frequencies.clear();
    this.boundedFrequencies.clear();
    const [rows = 0, ...columnTokens] = readVarints(averages);
    this.documents = rows;
    this.averageLength = rows > 0 ? columnTokens.reduce((a, b) => a + b, 0) / rows : 0;
    return this;
  }

  frequency(term: string): number {
    let df = this.frequencies.get(term);
    if (df === undefined) {
      df = this.lookup.get(term) ?? 0;
      if (df > 0) this.frequencies.set(term, df);
    }
    return df;
  }

  /**
   * The term's document frequency, or `cap` when it is at least that: counting stops there, where an exact
   * frequency costs a read of the whole posting list (tens of milliseconds for a common word at a million
   * papers). For weighing many words whose exact rarity matters only among the rare ones.
   */
  frequencyUpTo(term: string, cap: number): number {
    const exact = this.frequencies.get(term);
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
