/**
 * Papers as sparse tf-idf vectors: the features of the recommendation model and of its near-duplicate test.
 *
 * Features are the index terms of search (tokenize + Porter stem, stopwords dropped) of the title and
 * abstract, plus one `cat:` feature per arXiv category, so that "cs.CL, not cs.CV" can be learned too.
 * Values are sublinear tf × idf, scaled to unit length, so a dot product of two vectors is their cosine.
 *
 * Document frequencies come from a uniform random sample of the corpus (the way a vectorizer is fitted on
 * a sample): reading the full-text index's vocabulary would walk every posting list (0.7 s at 75,000
 * papers, growing with the corpus), and looking up each word of each paper costs as much per word. A
 * sample of a couple of thousand papers estimates the idf of every word that matters (any word in more
 * than a fraction of a percent of papers) and caps the weight of rarer ones, which is what a model
 * trained on fifty examples needs anyway: a word seen in one paper is noise, not a topic.
 */
import { tokenize } from '../search/query.js';
import { STOPWORDS } from '../search/stopwords.js';
import { stem } from '../search/terms.js';
import type { PaperText } from './records.js';

/** Feature name → value; unit length. Terms are stems (`diffus`); categories are `cat:cs.CL`. */
export type SparseVector = ReadonlyMap<string, number>;

export interface PaperFeatures {
  vector: SparseVector;
  /** For each term of the vector, the first word of the paper that produced it: what people are shown. */
  words: ReadonlyMap<string, string>;
}

/** A title says what a paper is about more densely than its abstract. */
const TITLE_WEIGHT = 2;
const PRIMARY_CATEGORY_WEIGHT = 2;
const CATEGORY_PREFIX = 'cat:';

export function isCategoryFeature(feature: string): boolean {
  return feature.startsWith(CATEGORY_PREFIX);
}

/** Anything but printable ASCII and the usual whitespace: text without it needs no normalisation. */
const NOT_PLAIN_ASCII = /[^\t\n\r -~]/;
const ASCII_WORD = /[a-z0-9]+/g;

/**
 * The words of `tokenize`, faster for plain ASCII text (most titles and abstracts), which needs none of
 * its Unicode normalisation: scoring a few hundred candidates is mostly tokenizing them.
 */
export function indexWords(text: string): string[] {
  return !NOT_PLAIN_ASCII.test(text) ? (text.toLowerCase().match(ASCII_WORD) ?? []) : tokenize(text);
}

// Word → index term, or null for a word that says nothing about a topic (a stopword, a single character,
// a bare number): one lookup per word instead of three. Bounded like search/terms' own cache.
const MAX_CACHED_WORDS = 200_000;
const termOfWord = new Map<string, string | null>();

function contentTerm(word: string): string | null {
  let term = termOfWord.get(word);
  if (term === undefined) {
    term = word.length > 1 && !STOPWORDS.has(word) && !/^\d+$/.test(word) ? stem(word) : null;
    if (termOfWord.size >= MAX_CACHED_WORDS) termOfWord.clear();
    termOfWord.set(word, term);
  }
  return term;
}

/**
 * Weighted term frequencies of a paper's features. `firstWords`, when given, receives the word each term
 * was first seen as (only explanations need them, so scoring does not pay for them).
 */
export function featureCounts(paper: PaperText, firstWords?: Map<string, string>): Map<string, number> {
  const counts = new Map<string, number>();
  const addText = (text: string, weight: number) => {
    for (const word of indexWords(text)) {
      const term = contentTerm(word);
      if (term === null) continue;
      const count = counts.get(term);
      if (count === undefined) {
        counts.set(term, weight);
        firstWords?.set(term, word);
      } else {
        counts.set(term, count + weight);
      }
    }
  };
  addText(paper.title, TITLE_WEIGHT);
  addText(paper.abstract, 1);
  paper.categories.forEach((category, i) => {
    const feature = CATEGORY_PREFIX + category;
    counts.set(feature, (counts.get(feature) ?? 0) + (i === 0 ? PRIMARY_CATEGORY_WEIGHT : 1));
    firstWords?.set(feature, category);
  });
  return counts;
}

/** A word's index term and its idf, looked up once per word. */
interface WordFeature {
  term: string;
  idf: number;
}

/** Inverse document frequencies estimated from a sample of papers. */
export class Vectorizer {
  /**
   * Word → its term and idf (null: not a content word), so a word costs one lookup per occurrence. Words
   * of one term share one record, which weigh() counts by.
   */
  private readonly byWord = new Map<string, WordFeature | null>();
  private readonly byTerm = new Map<string, WordFeature>();

  private constructor(
    /** Papers in the sample. */
    readonly documents: number,
    private readonly frequencies: ReadonlyMap<string, number>,
  ) {}

  static fit(sample: readonly PaperText[]): Vectorizer {
    const frequencies = new Map<string, number>();
    for (const paper of sample) {
      for (const feature of featureCounts(paper).keys()) {
        frequencies.set(feature, (frequencies.get(feature) ?? 0) + 1);
      }
    }
    return new Vectorizer(sample.length, frequencies);
  }

  /** Share of the sampled papers that have the feature (0 for a feature the sample never saw). */
  share(feature: string): number {
    return this.documents === 0 ? 0 : (this.frequencies.get(feature) ?? 0) / this.documents;
  }

  idf(feature: string): number {
    return smoothedIdf(this.documents, this.frequencies.get(feature) ?? 0);
  }

  /** The paper's unit-length tf-idf vector: featureCounts weighed by idf. */
  vector(paper: PaperText): SparseVector {
    return this.weigh(paper);
  }

  /** The vector and the words behind it. */
  features(paper: PaperText): PaperFeatures {
    const words = new Map<string, string>();
    const vector = this.weigh(paper, words);
    return { vector, words };
  }

  private wordFeature(word: string): WordFeature | null {
    let feature = this.byWord.get(word);
    if (feature !== undefined) return feature;
    if (this.byWord.size >= MAX_CACHED_WORDS) {
      this.byWord.clear();
      this.byTerm.clear();
    }
    const term = contentTerm(word);
    feature = null;
    if (term !== null) {
      feature = this.byTerm.get(term) ?? { term, idf: this.idf(term) };
      this.byTerm.set(term, feature);
    }
    this.byWord.set(word, feature);
    return feature;
  }

  /** featureCounts with the idf of each feature at hand, keyed by the (shared) per-word records. */
  private weigh(paper: PaperText, firstWords?: Map<string, string>): SparseVector {
    const counts = new Map<WordFeature, number>();
    const addText = (text: string, weight: number) => {
      for (const word of indexWords(text)) {
        const feature = this.wordFeature(word);
        if (feature === null || feature.idf === 0) continue;
        const count = counts.get(feature);
        if (count === undefined) {
          counts.set(feature, weight);
          if (firstWords && !firstWords.has(feature.term)) firstWords.set(feature.term, word);
        } else {
          counts.set(feature, count + weight);
        }
      }
    };
    addText(paper.title, TITLE_WEIGHT);
    addText(paper.abstract, 1);
    const vector = new Map<string, number>();
    let norm = 0;
    for (const [{ term, idf }, count] of counts) {
      const value = (1 + Math.log(count)) * idf;
      vector.set(term, value);
      norm += value * value;
    }
    paper.categories.forEach((category, i) => {
      const feature = CATEGORY_PREFIX + category;
      const idf = this.idf(feature);
      if (idf === 0 || vector.has(feature)) return;
      const value = (1 + Math.log(i === 0 ? PRIMARY_CATEGORY_WEIGHT : 1)) * idf;
      vector.set(feature, value);
      firstWords?.set(feature, category);
      norm += value * value;
    });
    norm = Math.sqrt(norm);
    for (const [feature, value] of vector) vector.set(feature, value / norm);
    return vector;
  }
}

/**
 * Smoothed idf. A feature in half the papers or more gets none: it tells no topic from another (search
 * drops such words from queries for the same reason).
 */
function smoothedIdf(documents: number, frequency: number): number {
  const idf = Math.log((documents + 1) / (frequency + 1));
  return idf > Math.LN2 ? idf : 0;
}

/** Dot product; the cosine similarity of two unit vectors. */
export function dot(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [feature, value] of small) {
    const other = large.get(feature);
    if (other !== undefined) sum += value * other;
  }
  return sum;
}

/** A title reduced to its words, so that two records of one paper compare equal despite case and punctuation. */
export function normalizedTitle(title: string): string {
  return indexWords(title).join(' ');
}
