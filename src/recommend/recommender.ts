/**
 * Personal recommendations: a per-user logistic regression (model.ts) over tf-idf features (features.ts),
 * trained on the user's saved and upvoted papers (positives), papers marked "not interested" (explicit
 * negatives) and a fixed background sample of the corpus (implicit negatives).
 *
 * Cost stays proportional to the user, not the corpus:
 * - the vectorizer and the background sample are fitted once per process (again when the corpus has
 *   grown by a tenth);
 * - a model is trained only when the user's feedback changed, starting from the previous weights and
 *   reusing the stored vectors of papers it already knew; it is kept in the store (so restarts and other
 *   nodes reuse it) and in memory;
 * - candidates come from the full-text index (an OR of the model's strongest words, weighted), and only
 *   those few hundred are scored by the full model;
 * - a user's list is cached until their feedback or the corpus changes, or for RESULT_TTL_MS.
 */
import { createHash } from 'node:crypto';
import type { Paper } from '../model/paper.js';
import type { Store } from '../store/store.js';
import { CANDIDATE_WORD_LIMITS, candidateWords, isNearDuplicate, type JudgedPaper } from './candidates.js';
import { explain, type Explanation, type PositiveExample } from './explain.js';
import { normalizedTitle, type SparseVector, Vectorizer } from './features.js';
import { type LinearModel, score, trainLogistic, TRAINING_OPTIONS, type TrainingExample } from './model.js';
import type { FeedbackKind, RecommendationFeedback } from './records.js';

export interface RecommenderOptions {
  /** Papers the vectorizer's document frequencies are estimated from. */
  sampleSize: number;
  /** Of those, how many stand for "the rest of the corpus" as implicit negatives. */
  backgroundSize: number;
  /** Papers fetched from the index and scored by the full model. */
  candidates: number;
  /**
   * Each "not interested" weighs this many positives. More suppresses a declined topic harder (offline, on
   * held-out topic papers, 3 cut a declined neighbouring topic’s share of the top 50 by two thirds, 1 by 45%) but
   * lets one "not this paper" outweigh a user's two or three saved papers on the same topic.
   */
  notInterestedWeight: number;
  /** Users whose models and lists are kept in memory. */
  cachedUsers: number;
  resultTtlMs: number;
}

export const RECOMMENDER_OPTIONS: RecommenderOptions = {
  sampleSize: 2000,
  backgroundSize: 500,
  candidates: 200,
  notInterestedWeight: 1,
  cachedUsers: 100,
  resultTtlMs: 10 * 60_000,
};

/** The same background for every node and every restart. */
const SAMPLE_SEED = 0x9e3779b9;
const CORPUS_CHECK_MS = 60_000;
/**
 * Weights kept per model, the largest in magnitude: the background sample gives a model weights for some
 * 5,000 words, most too small to move a score (the 3,000th is under 0.3% of the largest). Keeping 2,000
 * bounds the memory and the stored JSON per user.
 */
const MODEL_WEIGHTS = 2000;

function strongest(weights: ReadonlyMap<string, number>, count: number): Map<string, number> {
  return new Map([...weights].sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, count));
}
/** Models stored in another format or for another vectorizer are trained again. */
const MODEL_FORMAT = 2;

export interface Recommendation {
  paper: Paper;
  score: number;
  explanation: Explanation;
}

export interface Recommendations {
  items: Recommendation[];
  /** How many papers the model learned from. */
  positives: number;
  negatives: number;
}

export interface RecommendWindow {
  /** Inclusive range of feed days, YYYY-MM-DD. */
  from?: string;
  to?: string;
}

interface Corpus {
  key: string;
  papers: number;
  vectorizer: Vectorizer;
  background: { paperId: string; vector: SparseVector }[];
}

interface Example extends JudgedPaper {
  paperId: string;
  title: string;
  kind: FeedbackKind;
}

interface TrainedModel {
  corpus: string;
  feedback: string;
  trainedAt: string;
  iterations: number;
  model: LinearModel;
  examples: Example[];
  /** The terms of the positive examples as their papers write them, to search for and to show. */
  words: ReadonlyMap<string, string>;
}

/** The JSON kept in the store: vectors rounded, maps as entry lists. */
interface StoredModel {
  format: number;
  corpus: string;
  feedback: string;
  trainedAt: string;
  iterations: number;
  bias: number;
  weights: [string, number][];
  examples: {
    paperId: string;
    title: string;
    kind: FeedbackKind;
    normalizedTitle: string;
    vector: [string, number][];
  }[];
  words: [string, string][];
}

const rounded = (value: number): number => Math.round(value * 1e6) / 1e6;

function toStored(trained: TrainedModel): string {
  const stored: StoredModel = {
    format: MODEL_FORMAT,
    corpus: trained.corpus,
    feedback: trained.feedback,
    trainedAt: trained.trainedAt,
    iterations: trained.iterations,
    bias: trained.model.bias,
    weights: [...trained.model.weights].map(([f, w]) => [f, rounded(w)]),
    examples: trained.examples.map((e) => ({
      paperId: e.paperId,
      title: e.title,
      kind: e.kind,
      normalizedTitle: e.normalizedTitle,
      vector: [...e.vector].map(([f, v]) => [f, rounded(v)]),
    })),
    words: [...trained.words],
  };
  return JSON.stringify(stored);
}

function fromStored(json: string): TrainedModel | null {
  try {
    const stored = JSON.parse(json) as StoredModel;
    if (stored.format !== MODEL_FORMAT) return null;
    return {
      corpus: stored.corpus,
      feedback: stored.feedback,
      trainedAt: stored.trainedAt,
      iterations: stored.iterations,
      model: { weights: new Map(stored.weights), bias: stored.bias },
      examples: stored.examples.map((e) => ({ ...e, vector: new Map(e.vector) })),
      words: new Map(stored.words),
    };
  } catch {
    // A model that cannot be read is trained again: it is a cache.
    return null;
  }
}

/**
 * What each paper the user judged counts as. A paper saved and upvoted is "saved" (the stronger statement,
 * named in explanations); between liking a paper and turning it down, the later action decides.
 */
export function labelFeedback(feedback: readonly RecommendationFeedback[]): Map<string, FeedbackKind> {
  const liked = new Map<string, { kind: 'saved' | 'upvoted'; at: string }>();
  const declined = new Map<string, string>();
  for (const { paperId, kind, at } of feedback) {
    if (kind === 'not-interested') {
      const seen = declined.get(paperId);
      if (seen === undefined || at > seen) declined.set(paperId, at);
      continue;
    }
    const seen = liked.get(paperId);
    liked.set(paperId, {
      kind: seen?.kind === 'saved' ? 'saved' : kind,
      at: seen && seen.at > at ? seen.at : at,
    });
  }
  const labels = new Map<string, FeedbackKind>();
  for (const [paperId, { kind, at }] of liked) {
    const declinedAt = declined.get(paperId);
    labels.set(paperId, declinedAt !== undefined && declinedAt > at ? 'not-interested' : kind);
  }
  for (const paperId of declined.keys()) if (!labels.has(paperId)) labels.set(paperId, 'not-interested');
  return labels;
}

function feedbackKey(labels: ReadonlyMap<string, FeedbackKind>): string {
  const lines = [...labels].map(([id, kind]) => `${kind}\t${id}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('base64url');
}

interface UserEntry {
  trained: TrainedModel | null;
  feedback: string;
  lists: Map<string, { at: number; value: Recommendations }>;
}

export class Recommender {
  private corpus: Promise<Corpus> | null = null;
  private countedAt = 0;
  private readonly users = new Map<number, UserEntry>();
  private readonly pending = new Map<number, Promise<UserEntry>>();

  constructor(
    private readonly store: Store,
    private readonly options: RecommenderOptions = RECOMMENDER_OPTIONS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The user's recommendations within the window, best first; none until the user saved or upvoted a paper. */
  async recommend(userId: number, window: RecommendWindow, limit: number): Promise<Recommendations> {
    const [corpus, feedback] = await Promise.all([
      this.currentCorpus(),
      this.store.recommendationFeedback(userId),
    ]);
    const entry = await this.userEntry(userId, corpus, labelFeedback(feedback));
    const trained = entry.trained;
    if (!trained) return { items: [], positives: 0, negatives: 0 };
    const listKey = `${window.from ?? ''}|${window.to ?? ''}|${limit}`;
    const cached = entry.lists.get(listKey);
    if (cached && this.now().getTime() - cached.at < this.options.resultTtlMs) return cached.value;
    const value = await this.rank(trained, corpus, window, limit);
    entry.lists.set(listKey, { at: this.now().getTime(), value });
    return value;
  }

  /** Fits the vectorizer and background now rather than on the first request (e.g. at start-up). */
  async prepare(): Promise<void> {
    await this.currentCorpus();
  }

  /**
   * The vectorizer and background, fitted again when the corpus has grown or shrunk by a tenth. A large
   * corpus is counted at most once a minute (counting 75,000 rows costs more than a cached answer); a
   * corpus smaller than the sample (a new instance filling up) on every request.
   */
  private async currentCorpus(): Promise<Corpus> {
    const fitted = this.corpus ? await this.corpus.catch(() => null) : null;
    const now = this.now().getTime();
    const large = fitted !== null && fitted.papers >= this.options.sampleSize;
    if (fitted && large && now - this.countedAt < CORPUS_CHECK_MS) return fitted;
    const papers = await this.store.countPapers();
    this.countedAt = now;
    if (fitted && Math.abs(papers - fitted.papers) <= fitted.papers / 10) return fitted;
    this.corpus = this.fitCorpus(papers);
    return this.corpus;
  }

  private async fitCorpus(papers: number): Promise<Corpus> {
    const sample = await this.store.samplePapers(this.options.sampleSize, SAMPLE_SEED);
    const vectorizer = Vectorizer.fit(sample);
    // The sample comes in row order; every k-th of a uniform sample is a uniform sample too.
    const step = Math.max(1, Math.floor(sample.length / this.options.backgroundSize));
    const background = sample
      .filter((_, i) => i % step === 0)
      .slice(0, this.options.backgroundSize)
      .map((paper) => ({ paperId: paper.id, vector: vectorizer.vector(paper) }));
    return { key: `${sample.length}:${papers}`, papers, vectorizer, background };
  }

  /** The user's model for this feedback: from memory, from the store, or trained now (once at a time per user). */
  private async userEntry(
    userId: number,
    corpus: Corpus,
    labels: ReadonlyMap<string, FeedbackKind>,
  ): Promise<UserEntry> {
    const key = feedbackKey(labels);
    const known = this.users.get(userId);
    if (known && known.feedback === key && (known.trained?.corpus ?? corpus.key) === corpus.key) {
      // Most recently used last, so the oldest is the first to go.
      this.users.delete(userId);
      this.users.set(userId, known);
      return known;
    }
    let pending = this.pending.get(userId);
    if (!pending) {
      pending = this.train(userId, corpus, labels, key, known?.trained ?? null).finally(() =>
        this.pending.delete(userId),
      );
      this.pending.set(userId, pending);
    }
    const entry = await pending;
    this.users.delete(userId);
    this.users.set(userId, entry);
    while (this.users.size > this.options.cachedUsers) {
      const oldest = this.users.keys().next().value;
      if (oldest === undefined) break;
      this.users.delete(oldest);
    }
    return entry;
  }

  private async train(
    userId: number,
    corpus: Corpus,
    labels: ReadonlyMap<string, FeedbackKind>,
    key: string,
    inMemory: TrainedModel | null,
  ): Promise<UserEntry> {
    const storedJson = inMemory ? null : await this.store.recommendationModel(userId);
    const previous = inMemory ?? (storedJson ? fromStored(storedJson) : null);
    const usable = previous && previous.corpus === corpus.key ? previous : null;
    if (usable && usable.feedback === key) return { trained: usable, feedback: key, lists: new Map() };
    const positives = [...labels.values()].filter((kind) => kind !== 'not-interested').length;
    if (positives === 0) return { trained: null, feedback: key, lists: new Map() };

    // Vectors of papers the previous model knew are reused; only new papers are read and vectorized.
    const known = new Map(usable?.examples.map((e) => [e.paperId, e]));
    const words = new Map(usable?.words);
    const examples = (
      await Promise.all(
        [...labels].map(async ([paperId, kind]): Promise<Example | null> => {
          const reused = known.get(paperId);
          if (reused) return { ...reused, kind };
          const paper = await this.store.getPaper(paperId);
          if (!paper) return null;
          const features = corpus.vectorizer.features(paper);
          for (const [term, word] of features.words) if (!words.has(term)) words.set(term, word);
          return {
            paperId: paper.id,
            title: paper.title,
            kind,
            vector: features.vector,
            normalizedTitle: normalizedTitle(paper.title),
          };
        }),
      )
    ).filter((e): e is Example => e !== null);
    // Only the words of the papers still liked are kept.
    const liked = examples.filter((e) => e.kind !== 'not-interested');
    for (const term of words.keys()) if (!liked.some((e) => e.vector.has(term))) words.delete(term);
    const positiveCount = examples.filter((e) => e.kind !== 'not-interested').length;
    if (positiveCount === 0) return { trained: null, feedback: key, lists: new Map() };

    const judged = new Set(examples.map((e) => e.paperId));
    const background = corpus.background.filter((b) => !judged.has(b.paperId));
    const training: TrainingExample[] = [
      ...examples.map((e) =>
        e.kind === 'not-interested'
          ? { vector: e.vector, label: 0 as const, weight: this.options.notInterestedWeight / positiveCount }
          : { vector: e.vector, label: 1 as const, weight: 1 / positiveCount },
      ),
      ...background.map((b) => ({ vector: b.vector, label: 0 as const, weight: 1 / background.length })),
    ];
    const model = trainLogistic(training, TRAINING_OPTIONS, usable?.model);
    const trained: TrainedModel = {
      corpus: corpus.key,
      feedback: key,
      trainedAt: this.now().toISOString(),
      iterations: model.iterations,
      model: { weights: strongest(model.weights, MODEL_WEIGHTS), bias: model.bias },
      examples,
      words,
    };
    await this.store.saveRecommendationModel(userId, toStored(trained), this.now());
    return { trained, feedback: key, lists: new Map() };
  }

  private async rank(
    trained: TrainedModel,
    corpus: Corpus,
    window: RecommendWindow,
    limit: number,
  ): Promise<Recommendations> {
    const { model, examples } = trained;
    const postingsOf = (term: string) => corpus.vectorizer.share(term) * corpus.papers;
    const words = candidateWords(
      model.weights,
      (term) => trained.words.get(term),
      postingsOf,
      CANDIDATE_WORD_LIMITS,
    );
    const candidates = await this.store.recommendationCandidates({
      words,
      from: window.from,
      to: window.to,
      limit: this.options.candidates + examples.length,
    });
    const judged = new Set(examples.map((e) => e.paperId));
    const scored = candidates
      .filter((paper) => !judged.has(paper.id))
      .map((paper) => {
        const vector = corpus.vectorizer.vector(paper);
        return { paper, vector, score: score(model, vector) };
      })
      .sort((a, b) => b.score - a.score || (a.paper.id < b.paper.id ? -1 : 1));
    const positives: PositiveExample[] = examples.flatMap((e) =>
      e.kind === 'not-interested'
        ? []
        : [{ paperId: e.paperId, title: e.title, kind: e.kind, vector: e.vector }],
    );
    const shown: JudgedPaper[] = [];
    const picked: typeof scored = [];
    // Best first, so only the papers that make the list are compared with the judged and the shown ones.
    for (const candidate of scored) {
      if (picked.length >= limit) break;
      const paper = { vector: candidate.vector, normalizedTitle: normalizedTitle(candidate.paper.title) };
      // A copy of a paper the user saved, upvoted or turned down is no news either way; a paper listed
      // twice (two records of it) shows once.
      if (isNearDuplicate(paper, examples) || isNearDuplicate(paper, shown)) continue;
      shown.push(paper);
      picked.push(candidate);
    }
    const papers = await Promise.all(picked.map((candidate) => this.store.getPaper(candidate.paper.id)));
    const items = picked.flatMap((candidate, i): Recommendation[] => {
      const paper = papers[i];
      // Hidden by a moderator since the candidates were read.
      if (!paper) return [];
      const features = corpus.vectorizer.features(candidate.paper);
      return [{ paper, score: candidate.score, explanation: explain(features, positives, model) }];
    });
    return { items, positives: positives.length, negatives: examples.length - positives.length };
  }
}
