/**
 * What goes into one subscriber's digest: for each of their topics, the best candidates they have not been
 * sent before in this digest, and no paper twice in one message. Pure, so that the rules are tested directly
 * and the 100,000-subscriber benchmark measures the same code that runs.
 */
import type { Paper } from '../model/paper.js';
import { type Topic, topicKey } from './topics.js';

export interface DigestSection {
  topic: Topic;
  papers: Paper[];
  /** Why a paper is in the section, by paper id (recommendations). */
  notes?: Record<string, string>;
}

/** How many papers a section holds at most, and the whole message. */
export interface SectionLimits {
  perSection: number;
  perMessage: number;
}

/**
 * @param candidates every topic's candidates, best first
 * @param alreadySent ids of papers this subscriber has had in this digest (ever)
 */
export function selectDigest(
  topics: Topic[],
  candidates: (topic: Topic) => Paper[],
  alreadySent: ReadonlySet<string>,
  limits: SectionLimits,
): DigestSection[] {
  const chosen = new Set<string>();
  const sections: DigestSection[] = [];
  for (const topic of topics) {
    const room = Math.min(limits.perSection, limits.perMessage - chosen.size);
    if (room <= 0) break;
    const papers: Paper[] = [];
    for (const paper of candidates(topic)) {
      if (papers.length >= room) break;
      if (alreadySent.has(paper.id) || chosen.has(paper.id)) continue;
      chosen.add(paper.id);
      papers.push(paper);
    }
    if (papers.length > 0) sections.push({ topic, papers });
  }
  return sections;
}

/** Ids of every paper in a digest, in order. */
export function paperIdsOf(sections: DigestSection[]): string[] {
  return sections.flatMap((s) => s.papers.map((p) => p.id));
}

/** What the send log keeps of a digest: enough to render the same message again after a crash. */
export interface StoredSection {
  topic: string;
  papers: string[];
  notes?: Record<string, string>;
}

export function toStoredSections(sections: DigestSection[]): StoredSection[] {
  return sections.map((s) => ({
    topic: topicKey(s.topic),
    papers: s.papers.map((p) => p.id),
    ...(s.notes ? { notes: s.notes } : {}),
  }));
}
