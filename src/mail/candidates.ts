/**
 * The papers each topic offers in a digest, best first. Windows count back from the newest feed day in the
 * store, not from the clock, so an instance that has not harvested for a while (the demo) still sends the
 * newest papers it has; "never twice" (select.ts) is what keeps one digest from repeating the last. Each
 * topic's list is fetched once per run and shared by every subscriber who has that topic. A personal topic's
 * list is its account's recommendations (src/recommend), each with why it is recommended.
 */
import type { Paper } from '../model/paper.js';
import type { Explanation } from '../recommend/explain.js';
import { Recommender } from '../recommend/recommender.js';
import { parseQuery, type ParsedQuery } from '../search/query.js';
import type { Store } from '../store/store.js';
import { addDays } from '../web/feed-period.js';
import { collapseWhitespace } from '../web/text.js';
import { normaliseEmail } from './forms.js';
import { readableLatex } from './latex-text.js';
import type { SectionLimits } from './select.js';
import { type DigestKind, type Topic, topicKey } from './topics.js';

interface TopicRule {
  /** Feed days looked at, the newest one included. */
  days: number;
  /** Candidates fetched: enough that a subscriber who got the top ones yesterday still gets a full section. */
  fetch: number;
}

const RULES: Record<Topic['type'], TopicRule> = {
  daily: { days: 3, fetch: 120 },
  weekly: { days: 7, fetch: 200 },
  category: { days: 7, fetch: 80 },
  search: { days: 7, fetch: 80 },
  personal: { days: 7, fetch: 40 },
};

export const SECTION_LIMITS: Record<DigestKind, SectionLimits> = {
  daily: { perSection: 10, perMessage: 10 },
  weekly: { perSection: 15, perMessage: 15 },
  alerts: { perSection: 10, perMessage: 30 },
  personal: { perSection: 10, perMessage: 10 },
};

/** A saved search sends only papers with every word of it: an alert is a filter, not a ranking. */
export function alertQuery(query: string): ParsedQuery {
  const parsed = parseQuery(query);
  return { should: [], must: [...parsed.must, ...parsed.should.map((word) => [word])], not: parsed.not };
}

/** Why a paper is recommended, as one line of mail: "Because you saved …; shared terms: masked, diffusion". */
export function explanationText(explanation: Explanation): string | null {
  const { because, sharedWords } = explanation;
  if (!because) return null;
  const terms = sharedWords.length > 0 ? `; shared terms: ${sharedWords.join(', ')}` : '';
  return `Because you ${because.kind} “${collapseWhitespace(readableLatex(because.title))}”${terms}`;
}

export class CandidateSource {
  private readonly lists = new Map<string, Paper[]>();
  /** Why each recommended paper is there, by topic key and paper id. */
  private readonly notes = new Map<string, Map<string, string>>();
  /** The address each loaded personal topic's account has now (null: no account, or suspended), by topic key. */
  private readonly accountEmails = new Map<string, string | null>();
  private recommender: Recommender | null = null;

  /** @param newestDay the newest feed day in the store (null when it has no papers) */
  constructor(
    private readonly store: Store,
    private readonly newestDay: string | null,
  ) {}

  static async open(store: Store): Promise<CandidateSource> {
    return new CandidateSource(store, await store.latestFeedDay());
  }

  /** Fetches the lists of the given topics not fetched yet. */
  async load(topics: Iterable<Topic>): Promise<void> {
    for (const topic of topics) {
      const key = topicKey(topic);
      if (!this.lists.has(key)) this.lists.set(key, await this.fetch(topic));
    }
  }

  /** A loaded topic's candidates, best first. */
  get(topic: Topic): Paper[] {
    return this.lists.get(topicKey(topic)) ?? [];
  }

  /** Why a loaded topic offers a paper (recommendations only). */
  note(topic: Topic, paperId: string): string | undefined {
    return this.notes.get(topicKey(topic))?.get(paperId);
  }

  /**
   * Whether a subscriber at `email` (null: no subscriber) may get a loaded topic. An account's
   * recommendations go only to the address the account has now: one it left may belong to someone else.
   */
  reaches(topic: Topic, email: string | null): boolean {
    return topic.type !== 'personal' || this.accountEmails.get(topicKey(topic)) === email;
  }

  /** Every paper id of the given topics' lists. */
  paperIds(topics: Iterable<Topic>): string[] {
    const ids = new Set<string>();
    for (const topic of topics) for (const paper of this.get(topic)) ids.add(paper.id);
    return [...ids];
  }

  private async fetch(topic: Topic): Promise<Paper[]> {
    if (this.newestDay === null) return [];
    const rule = RULES[topic.type];
    const to = this.newestDay;
    const from = addDays(to, 1 - rule.days);
    switch (topic.type) {
      case 'daily':
      case 'weekly':
        return (await this.store.listFeed({ from, to, sort: 'trending', offset: 0, limit: rule.fetch }))
          .items;
      case 'category':
        return this.store.newestPapersInCategory(topic.category, from, to, rule.fetch);
      case 'search':
        return this.store.alertPapers(alertQuery(topic.query), from, to, rule.fetch);
      case 'personal':
        return this.recommendations(topic, from, to, rule.fetch);
    }
  }

  private async recommendations(
    topic: Extract<Topic, { type: 'personal' }>,
    from: string,
    to: string,
    limit: number,
  ): Promise<Paper[]> {
    const account = await this.store.getUser(topic.userId);
    const email = account && !account.suspended ? normaliseEmail(account.email) : null;
    this.accountEmails.set(topicKey(topic), email);
    if (!email) return [];
    // One recommender per run: it fits the corpus once and shares it between accounts.
    this.recommender ??= new Recommender(this.store);
    const { items } = await this.recommender.recommend(topic.userId, { from, to }, limit);
    const notes = new Map<string, string>();
    for (const item of items) {
      const text = explanationText(item.explanation);
      if (text) notes.set(item.paper.id, text);
    }
    this.notes.set(topicKey(topic), notes);
    return items.map((item) => item.paper);
  }
}
