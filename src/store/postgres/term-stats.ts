import { rowsOf } from './base.js';
import type { Queryable } from './connection.js';

// A vocabulary is large but bounded (≈ 150,000 distinct words over all of arXiv's abstracts).
const MAX_CACHED_WORDS = 200_000;

/**
 * Document frequencies of words, for picking a paper's distinctive words (search/similar.ts). Common
 * words come from the statistics ANALYZE keeps on the search vector (its most common lexemes with the
 * share of rows holding each), so they cost nothing to look up; other words are counted on the GIN index,
 * which is cheap precisely because they are rare, and capped at half the corpus (beyond which similar.ts
 * drops a word anyway). Counts are cached until papers are added (the largest pk moves), like the SQLite
 * adapter's FtsStats.
 */
export class TermStats {
  private generation: number | null = null;
  private documentCount = 0;
  private readonly frequencies = new Map<string, number>();

  constructor(private readonly config: string) {}

  /** Papers in the store and, for each word (lower case, as tokenize yields it), the papers holding it. */
  /** `db` should be a search session (see PgBase.searching), whose plans take words from the GIN index. */
  async lookup(
    db: Queryable,
    words: string[],
  ): Promise<{ documents: number; frequencies: Map<string, number> }> {
    const [head] = await rowsOf<{ generation: number | null }>(
      db,
      'SELECT max(pk) AS generation FROM papers',
    );
    const generation = head?.generation ?? 0;
    if (generation !== this.generation) {
      const [count] = await rowsOf<{ n: number }>(db, 'SELECT count(*) AS n FROM papers');
      this.generation = generation;
      this.documentCount = count?.n ?? 0;
      this.frequencies.clear();
    }
    if (this.frequencies.size > MAX_CACHED_WORDS) this.frequencies.clear();
    const missing = [...new Set(words)].filter((word) => !this.frequencies.has(word));
    if (missing.length > 0) {
      const rows = await rowsOf<{ word: string; documents: number }>(
        db,
        `WITH stats AS (
           SELECT most_common_elems::text::text[] AS lexemes, most_common_elem_freqs AS shares FROM pg_stats
           WHERE schemaname = current_schema() AND tablename = 'papers' AND attname = 'search_vector'
         ), words AS (
           SELECT w.word, (tsvector_to_array(to_tsvector('${this.config}', w.word)))[1] AS lexeme
           FROM unnest($1::text[]) AS w(word)
         )
         SELECT words.word, coalesce(
           (SELECT round(s.shares[array_position(s.lexemes, words.lexeme)] * $2)::bigint FROM stats s
            WHERE array_position(s.lexemes, words.lexeme) IS NOT NULL),
           (SELECT count(*) FROM (SELECT 1 FROM papers p
              WHERE p.search_vector @@ plainto_tsquery('${this.config}', words.word) LIMIT $3) AS found)
         ) AS documents
         FROM words WHERE words.lexeme IS NOT NULL`,
        [missing, this.documentCount, Math.floor(this.documentCount / 2) + 1],
      );
      for (const word of missing) this.frequencies.set(word, 0);
      for (const { word, documents } of rows) this.frequencies.set(word, documents);
    }
    return { documents: this.documentCount, frequencies: this.frequencies };
  }
}
