/**
 * What a subscriber can ask for. Each topic belongs to one digest, and a digest run sends one message per
 * subscriber holding a section for each of that subscriber's topics:
 *
 *   daily              trending papers, weekdays            → the `daily` digest
 *   weekly             trending papers of the week          → the `weekly` digest
 *   category:cs.CL     new papers in a category             → the `alerts` digest (every day)
 *   search:<query>     new papers matching a saved search   → the `alerts` digest (every day)
 *   personal:<user id> an account's recommendations          → the `personal` digest (weekly)
 *
 * A personal topic names the account whose library it is made from; only that account, logged in, can
 * ask for it (see account-routes.tsx), and the confirmation goes to the account's address.
 */
import { isSearchable, parseQuery } from '../search/query.js';

export const DIGEST_KINDS = ['daily', 'weekly', 'alerts', 'personal'] as const;
export type DigestKind = (typeof DIGEST_KINDS)[number];

export type Topic =
  | { type: 'daily' }
  | { type: 'weekly' }
  | { type: 'category'; category: string }
  | { type: 'search'; query: string }
  | { type: 'personal'; userId: number };

/** Saved searches are short queries, not pasted abstracts: every word of one must appear in a match. */
export const MAX_ALERT_QUERY_LENGTH = 200;
/** Keeps one address from turning into a crawler of the whole archive. */
export const MAX_TOPICS = 20;

// arXiv categories (`cs.CL`, `math.AP`, `astro-ph.GA`, `hep-th`, `q-bio.NC`) and nothing that needs escaping.
const CATEGORY = /^[a-z][a-z-]{0,15}(\.[A-Za-z][A-Za-z-]{0,15})?$/;

export function topicKey(topic: Topic): string {
  switch (topic.type) {
    case 'daily':
    case 'weekly':
      return topic.type;
    case 'category':
      return `category:${topic.category}`;
    case 'search':
      return `search:${topic.query}`;
    case 'personal':
      return `personal:${topic.userId}`;
  }
}

export function digestOf(topic: Topic): DigestKind {
  return topic.type === 'daily' || topic.type === 'weekly' || topic.type === 'personal'
    ? topic.type
    : 'alerts';
}

/** The inverse of topicKey for keys this module wrote; null for anything else. */
export function parseTopicKey(key: string): Topic | null {
  if (key === 'daily' || key === 'weekly') return { type: key };
  if (key.startsWith('category:')) return categoryTopic(key.slice('category:'.length));
  if (key.startsWith('search:')) return searchTopic(key.slice('search:'.length));
  if (key.startsWith('personal:')) return personalTopic(Number(key.slice('personal:'.length)));
  return null;
}

export function categoryTopic(input: string): Topic | null {
  const category = input.trim();
  return CATEGORY.test(category) ? { type: 'category', category } : null;
}

export function personalTopic(userId: number): Topic | null {
  return Number.isSafeInteger(userId) && userId > 0 ? { type: 'personal', userId } : null;
}

/** A saved search, normalised so that the same query typed twice is one topic. */
export function searchTopic(input: string): Topic | null {
  const query = input.replace(/\s+/g, ' ').trim();
  if (query === '' || query.length > MAX_ALERT_QUERY_LENGTH) return null;
  return isSearchable(parseQuery(query)) ? { type: 'search', query } : null;
}

/** Topics in a stable order (daily, weekly, categories, searches), duplicates removed. */
export function normaliseTopics(topics: Topic[]): Topic[] {
  const order = { daily: 0, weekly: 1, category: 2, search: 3, personal: 4 };
  const byKey = new Map(topics.map((t) => [topicKey(t), t]));
  return [...byKey.values()].sort(
    (a, b) => order[a.type] - order[b.type] || topicKey(a).localeCompare(topicKey(b)),
  );
}

/** How a topic is named to people, in mail and on pages. */
export function describeTopic(topic: Topic): string {
  switch (topic.type) {
    case 'daily':
      return 'Daily trending papers (weekdays)';
    case 'weekly':
      return 'Weekly trending papers';
    case 'category':
      return `New papers in ${topic.category}`;
    case 'search':
      return `New papers matching “${topic.query}”`;
    case 'personal':
      return 'Papers recommended from your library (weekly)';
  }
}
