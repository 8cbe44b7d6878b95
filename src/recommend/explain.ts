/**
 * Why a paper is recommended, in the user's terms: the paper of theirs it is most like, and the words
 * that tie the two together and that the model counts in favour ("because you saved Scaling up Masked
 * Diffusion Models…; shared terms: masked, diffusion").
 */
import { isCategoryFeature, type PaperFeatures, type SparseVector } from './features.js';
import type { LinearModel } from './model.js';

/** A paper the user saved or upvoted, as the model keeps it. */
export interface PositiveExample {
  paperId: string;
  title: string;
  kind: 'saved' | 'upvoted';
  vector: SparseVector;
}

export interface Explanation {
  /** The user's paper most like the recommended one. */
  because: { paperId: string; title: string; kind: 'saved' | 'upvoted' } | null;
  /** Words of the recommended paper it shares with that paper, strongest first. */
  sharedWords: string[];
}

export const EXPLANATION_WORDS = 3;

export function explain(
  candidate: PaperFeatures,
  positives: readonly PositiveExample[],
  model: LinearModel,
  maxWords = EXPLANATION_WORDS,
): Explanation {
  // The shared words the model counts in favour, with what each adds to the two papers' similarity.
  const shared = (positive: PositiveExample): [string, number][] => {
    const words: [string, number][] = [];
    for (const [feature, value] of candidate.vector) {
      const other = positive.vector.get(feature);
      if (other === undefined || isCategoryFeature(feature) || (model.weights.get(feature) ?? 0) <= 0)
        continue;
      words.push([feature, value * other]);
    }
    return words;
  };
  let best: { positive: PositiveExample; words: [string, number][]; similarity: number } | null = null;
  for (const positive of positives) {
    const words = shared(positive);
    const similarity = words.reduce((sum, [, c]) => sum + c, 0);
    if (similarity > (best?.similarity ?? 0)) best = { positive, words, similarity };
  }
  if (!best) return { because: null, sharedWords: [] };
  const { paperId, title, kind } = best.positive;
  // Named by what they add to the candidate's score: the words the model values, not merely frequent ones.
  const contribution = (feature: string) =>
    (candidate.vector.get(feature) ?? 0) * (model.weights.get(feature) ?? 0);
  const sharedWords = best.words
    .map(([feature]) => [feature, contribution(feature)] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, maxWords)
    .map(([feature]) => candidate.words.get(feature) ?? feature);
  return { because: { paperId, title, kind }, sharedWords };
}
