/**
 * The papers each topic offers in a digest, best first. Windows count back from the newest feed day in the
 * store, not from the clock, so an instance that has not harvested for a while (the demo) still sends the
 * newest papers it has; "never twice" (select.ts) is what keeps one digest from repeating the last. Each
 * topic's list is fetched once per run and shared by every subscriber who has that topic.
 */
import type { Paper } from '../model/paper.js';
import { parseQuery, type ParsedQuery } from '../search/query.js';
import type { Store } from '../store/store.js';
import { addDays } from '../web/feed-period.js';
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
};

export const SECTION_LIMITS: Record<DigestKind, SectionLimits> = {
  daily: { perSection: 10, perMessage: 10 },
  weekly: { perSection: 15, perMessage: 15 },
  alerts: { perSection: 10, perMessage: 30 },
};

/** A saved search sends only papers with every word of it: an alert is a filter, not a ranking. */
export function alertQuery(query: string): ParsedQuery {
  const parsed = parseQuery(query);
  return { should: [], must: [...parsed.must, ...parsed.should.map((word) => [word])], not: parsed.not };
}

export class CandidateSource {
  private readonly lists = new Map<string, Paper[]>();

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
    }
  }
}
