import type { Paper } from '../../model/paper.js';
import { toFtsMatch } from './fts-query.js';
import type {
  CandidateRequest,
  FeedbackKind,
  PaperText,
  RecommendationFeedback,
} from '../../recommend/records.js';
import { sampleIntegers } from '../../recommend/sample.js';
import { type PaperRow, rowToPaper } from '../rows.js';
import { SqliteMail } from './mail.js';

/** The recommendation section of the SQLite adapter: feedback, candidates and stored models. */
export abstract class SqliteRecommend extends SqliteMail {
  async recommendationFeedback(userId: number): Promise<RecommendationFeedback[]> {
    const rows = this.db
      .prepare(
        `SELECT p.id, 'saved' AS kind, max(cp.added_at) AS at
           FROM collections c JOIN collection_papers cp ON cp.collection_id = c.id JOIN papers p ON p.pk = cp.paper_pk
           WHERE c.user_id = @user AND p.hidden_at IS NULL GROUP BY p.pk
         UNION ALL
         SELECT p.id, 'upvoted', v.created_at FROM votes v JOIN papers p ON p.pk = v.paper_pk
           WHERE v.user_id = @user AND p.hidden_at IS NULL
         UNION ALL
         SELECT p.id, 'not-interested', n.created_at FROM not_interested n JOIN papers p ON p.pk = n.paper_pk
           WHERE n.user_id = @user AND p.hidden_at IS NULL`,
      )
      .all({ user: userId }) as { id: string; kind: FeedbackKind; at: string }[];
    return rows.map((row) => ({ paperId: row.id, kind: row.kind, at: row.at }));
  }

  async setNotInterested(
    userId: number,
    paperId: string,
    notInterested: boolean,
    now: Date,
  ): Promise<boolean> {
    return this.db
      .transaction((): boolean => {
        const pk = this.visiblePaperPk(paperId);
        if (pk === null) return false;
        if (notInterested) {
          this.db
            .prepare('INSERT OR IGNORE INTO not_interested (user_id, paper_pk, created_at) VALUES (?, ?, ?)')
            .run(userId, pk, now.toISOString());
        } else {
          this.db.prepare('DELETE FROM not_interested WHERE user_id = ? AND paper_pk = ?').run(userId, pk);
        }
        return true;
      })
      .immediate();
  }

  async samplePapers(count: number, seed: number): Promise<Paper[]> {
    return this.db.transaction((): Paper[] => {
      const range = this.db.prepare('SELECT min(pk) AS low, max(pk) AS high FROM papers').get() as {
        low: number | null;
        high: number | null;
      };
      if (range.low === null || range.high === null) return [];
      // Row ids are dense (papers are deleted rarely), so ids drawn from their range are a uniform sample.
      const pks = sampleIntegers(range.low, range.high, count, seed);
      const rows = this.db
        .prepare('SELECT * FROM papers WHERE pk IN (SELECT value FROM json_each(?)) AND hidden_at IS NULL')
        .all(JSON.stringify(pks)) as PaperRow[];
      return rows.map(rowToPaper);
    })();
  }

  async recommendationCandidates(request: CandidateRequest): Promise<PaperText[]> {
    const params: Record<string, string | number> = { limit: Math.max(0, request.limit) };
    // Term at a time: each word's papers add the word's weight. The index's row ids are summed in SQLite
    // rather than in JavaScript (tens of thousands of rows); BM25 over an OR of the words would cost as
    // much and ignore the weights. The index holds visible papers only.
    const postings = request.words.flatMap((word, i) => {
      const match = toFtsMatch({ should: [{ text: word.text, prefix: false }], must: [], not: [] });
      if (!match) return [];
      params[`match${i}`] = `{title abstract} : ${match}`;
      params[`weight${i}`] = word.weight;
      return [`SELECT rowid AS pk, @weight${i} AS weight FROM papers_fts WHERE papers_fts MATCH @match${i}`];
    });
    if (postings.length === 0 || request.limit <= 0) return [];
    const window: string[] = [];
    if (request.from) {
      window.push('f.feed_date >= @from');
      params.from = request.from;
    }
    if (request.to) {
      window.push('f.feed_date <= @to');
      params.to = request.to;
    }
    return this.db.transaction((): PaperText[] => {
      const pks = this.db
        .prepare(
          `SELECT c.pk FROM (SELECT pk, sum(weight) AS score FROM (${postings.join(' UNION ALL ')}) GROUP BY pk) c
           ${window.length > 0 ? `JOIN paper_facets f ON f.pk = c.pk WHERE ${window.join(' AND ')}` : ''}
           ORDER BY c.score DESC, c.pk DESC LIMIT @limit`,
        )
        .pluck()
        .all(params) as number[];
      // Only what features are computed from: the candidates' other columns are read for the few shown.
      const rows = this.db
        .prepare(
          'SELECT pk, id, title, abstract, categories FROM papers WHERE pk IN (SELECT value FROM json_each(?))',
        )
        .all(JSON.stringify(pks)) as {
        pk: number;
        id: string;
        title: string;
        abstract: string;
        categories: string;
      }[];
      const byPk = new Map(rows.map((row) => [row.pk, row]));
      return pks.flatMap((pk) => {
        const row = byPk.get(pk);
        return row
          ? [
              {
                id: row.id,
                title: row.title,
                abstract: row.abstract,
                categories: row.categories.split(' ').filter(Boolean),
              },
            ]
          : [];
      });
    })();
  }

  async recommendationModel(userId: number): Promise<string | null> {
    const model = this.db
      .prepare('SELECT model FROM recommendation_models WHERE user_id = ?')
      .pluck()
      .get(userId);
    return typeof model === 'string' ? model : null;
  }

  async saveRecommendationModel(userId: number, model: string, now: Date): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO recommendation_models (user_id, model, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET model = excluded.model, updated_at = excluded.updated_at`,
      )
      .run(userId, model, now.toISOString());
  }
}
