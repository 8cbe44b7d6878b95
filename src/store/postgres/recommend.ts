import type pg from 'pg';
import type { Paper } from '../../model/paper.js';
import { fillMonths, monthOf } from '../../recommend/months.js';
import type {
  CandidateRequest,
  FeedbackKind,
  MonthlyCounts,
  RecommendationFeedback,
} from '../../recommend/records.js';
import { sampleIntegers } from '../../recommend/sample.js';
import { expectedMatches, matchWords } from '../../search/plan.js';
import type { ParsedQuery } from '../../search/query.js';
import { type PaperRow, rowToPaper } from '../rows.js';
import type { SearchRequest } from '../store.js';
import { changesOf, dayCondition, paperFields, rowsOf, TS_CONFIG } from './base.js';
import { isRowId } from './community.js';
import { PgMail } from './mail.js';
import { matchConditions, normalizeQuery, Params, tsQueryParam, type WeightedPlan } from './search-sql.js';
import { titleOrAbstractWord } from './tsquery.js';

/** The recommend section of the PostgreSQL adapter: feedback, candidates, cached models, topic trends. */
export abstract class PgRecommend extends PgMail {
  /** What a search of `query` matches (see PostgresStore.plan). */
  protected abstract plan(tx: pg.PoolClient, query: ParsedQuery): Promise<WeightedPlan>;
  /** Papers holding each word, from the term statistics the plan is made of. */
  protected abstract documentFrequencies(tx: pg.PoolClient, words: string[]): Promise<Map<string, number>>;

  async recommendationFeedback(userId: number): Promise<RecommendationFeedback[]> {
    if (!isRowId(userId)) return [];
    const rows = await this.rows<{ id: string; kind: FeedbackKind; at: string }>(
      `SELECT p.id, 'saved' AS kind, max(cp.added_at) AS at
         FROM collections c JOIN collection_papers cp ON cp.collection_id = c.id JOIN papers p ON p.pk = cp.paper_pk
         WHERE c.user_id = $1 AND p.hidden_at IS NULL GROUP BY p.pk
       UNION ALL
       SELECT p.id, 'upvoted', v.created_at FROM votes v JOIN papers p ON p.pk = v.paper_pk
         WHERE v.user_id = $1 AND p.hidden_at IS NULL
       UNION ALL
       SELECT p.id, 'not-interested', n.created_at FROM not_interested n JOIN papers p ON p.pk = n.paper_pk
         WHERE n.user_id = $1 AND p.hidden_at IS NULL`,
      [userId],
    );
    return rows.map((row) => ({ paperId: row.id, kind: row.kind, at: row.at }));
  }

  async setNotInterested(
    userId: number,
    paperId: string,
    notInterested: boolean,
    now: Date,
  ): Promise<boolean> {
    return this.transaction(async (tx) => {
      const pk = await this.lockVisiblePaper(tx, paperId);
      if (pk === null) return false;
      await changesOf(
        tx,
        notInterested
          ? 'INSERT INTO not_interested (user_id, paper_pk, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING'
          : 'DELETE FROM not_interested WHERE user_id = $1 AND paper_pk = $2',
        notInterested ? [userId, pk, now.toISOString()] : [userId, pk],
      );
      return true;
    });
  }

  async samplePapers(count: number, seed: number): Promise<Paper[]> {
    const range = await this.row<{ low: number | null; high: number | null }>(
      'SELECT min(pk) AS low, max(pk) AS high FROM papers',
    );
    if (range?.low == null || range.high == null) return [];
    // Identities are dense (papers are deleted rarely), so ids drawn from their range are a uniform sample.
    const pks = sampleIntegers(range.low, range.high, count, seed);
    const rows = await this.rows<PaperRow>(
      `SELECT ${paperFields('p')} FROM papers p WHERE p.pk = ANY($1::bigint[]) AND p.hidden_at IS NULL ORDER BY p.pk`,
      [pks],
    );
    return rows.map(rowToPaper);
  }

  async recommendationCandidates(request: CandidateRequest): Promise<Paper[]> {
    if (request.words.length === 0 || request.limit <= 0) return [];
    const params = new Params();
    const words = `unnest(${params.add(request.words.map((w) => titleOrAbstractWord(w.text)))}::text[],
                          ${params.add(request.words.map((w) => w.weight))}::float8[]) AS w(query, weight)`;
    const where = ['numnode(words.query) > 0', 'p.hidden_at IS NULL'];
    if (request.from) where.push(dayCondition('p.feed_date', '>=', params.add(request.from), request.from));
    if (request.to) where.push(dayCondition('p.feed_date', '<=', params.add(request.to), request.to));
    // Word at a time: each word's papers (in title or abstract) add the word's weight.
    const rows = await this.rows<PaperRow>(
      `WITH words AS (SELECT to_tsquery('${TS_CONFIG}', w.query) AS query, w.weight FROM ${words}),
       best AS (
         SELECT p.pk, sum(words.weight) AS score FROM words JOIN papers p ON p.search_vector @@ words.query
         WHERE ${where.join(' AND ')} GROUP BY p.pk ORDER BY score DESC, p.pk DESC LIMIT ${params.add(request.limit)}
       )
       SELECT ${paperFields('p')} FROM best JOIN papers p ON p.pk = best.pk ORDER BY best.score DESC, p.pk DESC`,
      params.values,
    );
    return rows.map(rowToPaper);
  }

  async recommendationModel(userId: number): Promise<string | null> {
    if (!isRowId(userId)) return null;
    return (
      (
        await this.row<{ model: string }>('SELECT model FROM recommendation_models WHERE user_id = $1', [
          userId,
        ])
      )?.model ?? null
    );
  }

  async saveRecommendationModel(userId: number, model: string, now: Date): Promise<void> {
    await this.changes(
      `INSERT INTO recommendation_models (user_id, model, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET model = excluded.model, updated_at = excluded.updated_at`,
      [userId, model, now.toISOString()],
    );
  }

  async searchMonthlyCounts(request: Pick<SearchRequest, 'query' | 'filters'>): Promise<MonthlyCounts> {
    return this.searching(async (tx) => {
      const { filters } = request;
      const [range] = await rowsOf<{ first: string | null; last: string | null }>(
        tx,
        'SELECT min(feed_date) AS first, max(feed_date) AS last FROM papers WHERE hidden_at IS NULL',
      );
      if (range?.first == null || range.last == null)
        return { months: [], firstDay: null, lastDay: null, estimated: false };
      const firstDay = filters.from && filters.from > range.first ? filters.from : range.first;
      const lastDay = filters.to && filters.to < range.last ? filters.to : range.last;
      const counts = new Map<string, number>();
      // The words the search itself matches (see search()), so that the months add up to its total.
      const { plan } = await this.plan(tx, request.query);
      const normalized = firstDay <= lastDay ? await normalizeQuery(tx, plan.query, false) : null;
      let estimated = false;
      if (normalized) {
        const params = new Params();
        const where = matchConditions(params, tsQueryParam(params, normalized.match), filters);
        // Counting reads every match's day. Past about 10,000 matches (judged from the words' document
        // frequencies), an even spread of row ids stands for the rest, as in the SQLite adapter: papers
        // arrive in feed order, so every month is thinned alike.
        const known = await this.documentFrequencies(
          tx,
          matchWords(plan.query)
            .filter((word) => !word.prefix)
            .map((word) => word.text),
        );
        const expected = expectedMatches(plan.query, (word) => known.get(word.text) ?? 0);
        const matches = Number.isFinite(expected)
          ? expected
          : // A prefix's frequency is unknown until the index expands it.
            ((
              await rowsOf<{ n: number }>(
                tx,
                `SELECT count(*) AS n FROM papers p WHERE ${where}`,
                params.values,
              )
            )[0]?.n ?? 0);
        const stride = Math.max(1, Math.ceil(matches / 10_000));
        estimated = stride > 1;
        const rows = await rowsOf<{ month: string; count: number }>(
          tx,
          `SELECT to_char(p.feed_date, 'YYYY-MM') AS month, count(*) AS count FROM papers p
           WHERE ${where} ${estimated ? `AND p.pk % ${params.add(stride)} = 0` : ''} GROUP BY month`,
          params.values,
        );
        for (const row of rows) counts.set(row.month, row.count * stride);
      }
      return {
        months: fillMonths(monthOf(firstDay), monthOf(lastDay), counts),
        firstDay,
        lastDay,
        estimated,
      };
    });
  }
}
