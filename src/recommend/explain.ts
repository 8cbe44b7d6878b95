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
  // How much each shared word adds to the similarity of the two papers, if the model counts it in favour.
  const contributions = (positive: PositiveExample): [string, number][] => {
    const shared: [string, number][] = [];
    for (const [feature, value] of candidate.vector) {
      const other = positive.vector.get(feature);
      if (other === undefined || isCategoryFeature(feature) || (model.weights.get(feature) ?? 0) <= 0) continue;
      shared.push([feature, value * other]);
    }
    return shared;
  };
  let best: { positive: PositiveExample; shared: [string, number][]; similarity: number } | null = null;
  for (const positive of positives) {
    const shared = contributions(positive);
    const similarity = shared.reduce((sum, [, c]) => sum + c, 0);
    if (similarity > (best?.similarity ?? 0)) best = { positive, shared, similarity };
  }
  if (!best) return { because: null, sharedWords: [] };
  const { paperId, title, kind } = best.positive;
  const sharedWords = best.shared
    .sort((a, b) => b[1] - a[1])
    .slice(0, maxWords)
    .map(([feature]) => candidate.words.get(feature) ?? feature);
  return { because: { paperId, title, kind }, sharedWords };
}
