/**
 * The per-user linear model: L2-regularised logistic regression over the sparse features of features.ts.
 *
 * Why this model: arxiv-sanity trains a linear SVM (C = 0.01) per request with the user's papers as
 * positives and the whole corpus as negatives. A strongly regularised linear classifier with balanced
 * classes is close to a centroid difference (Rocchio), which is what makes it robust with a handful of
 * positives; the regularised logistic loss keeps that robustness while learning which shared words do not
 * separate the user's papers from the rest (a word in every paper the user saved but also in a third of
 * the corpus) and what an explicit "not interested" rules out. Training sees only the user's examples
 * and a fixed background sample standing in for "the rest of the corpus", so it costs milliseconds, and
 * it starts from the previous weights when the feedback changes (see trainLogistic's `start`).
 */
import type { SparseVector } from './features.js';

export interface LinearModel {
  weights: ReadonlyMap<string, number>;
  bias: number;
}

export interface TrainingExample {
  vector: SparseVector;
  /** 1: the user wants papers like this one; 0: does not (explicitly, or a background paper). */
  label: 0 | 1;
  /** Its share of the loss. */
  weight: number;
}

export interface TrainingOptions {
  /** L2 penalty on the weights (not the bias), relative to a total example weight of 1 per class. */
  l2: number;
  maxIterations: number;
  /** Stop when no gradient component exceeds this. */
  tolerance: number;
}

/**
 * l2 0.01: with twenty positives it ranked held-out papers of the user's topics best (bench/recommend.ts);
 * a gradient of 1e-3 leaves the objective within 1e-4 of its optimum, far below what changes a ranking.
 */
export const TRAINING_OPTIONS: TrainingOptions = { l2: 0.01, maxIterations: 300, tolerance: 1e-3 };

export function score(model: LinearModel, vector: SparseVector): number {
  let sum = model.bias;
  for (const [feature, value] of vector) sum += (model.weights.get(feature) ?? 0) * value;
  return sum;
}

/** The examples as compressed sparse rows over a local feature index. */
interface Design {
  features: string[];
  rowStart: Int32Array;
  columns: Int32Array;
  values: Float64Array;
  labels: Float64Array;
  weights: Float64Array;
}

function design(examples: readonly TrainingExample[]): Design {
  const index = new Map<string, number>();
  const features: string[] = [];
  let entries = 0;
  for (const example of examples) entries += example.vector.size;
  const rowStart = new Int32Array(examples.length + 1);
  const columns = new Int32Array(entries);
  const values = new Float64Array(entries);
  let at = 0;
  examples.forEach((example, row) => {
    rowStart[row] = at;
    for (const [feature, value] of example.vector) {
      let column = index.get(feature);
      if (column === undefined) {
        column = features.length;
        index.set(feature, column);
        features.push(feature);
      }
      columns[at] = column;
      values[at] = value;
      at++;
    }
  });
  rowStart[examples.length] = at;
  return {
    features,
    rowStart,
    columns,
    values,
    labels: Float64Array.from(examples, (e) => e.label),
    weights: Float64Array.from(examples, (e) => e.weight),
  };
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * Minimises Σ weightᵢ · logloss(labelᵢ, w·xᵢ + b) + l2/2 · |w|² by Nesterov-accelerated gradient descent
 * with adaptive restart.
 * The step is 1/L for the loss's Lipschitz constant L = ¼ Σ weightᵢ (|xᵢ|² + 1) + l2, so it converges
 * without a line search. `start` (the previous model) makes an update after a little new feedback take a
 * few iterations instead of a few hundred.
 */
export function trainLogistic(
  examples: readonly TrainingExample[],
  options: TrainingOptions = TRAINING_OPTIONS,
  start?: LinearModel,
): LinearModel & { iterations: number } {
  const d = design(examples);
  const dimension = d.features.length;
  const rows = examples.length;
  let lipschitz = options.l2;
  for (let row = 0; row < rows; row++) {
    let squared = 1;
    for (let k = d.rowStart[row] ?? 0; k < (d.rowStart[row + 1] ?? 0); k++)
      squared += (d.values[k] ?? 0) ** 2;
    lipschitz += 0.25 * (d.weights[row] ?? 0) * squared;
  }
  const step = 1 / lipschitz;

  // x: current iterate, y: extrapolated point, next: the step from y; the last slot is the bias.
  let x = new Float64Array(dimension + 1);
  if (start) {
    d.features.forEach((feature, column) => (x[column] = start.weights.get(feature) ?? 0));
    x[dimension] = start.bias;
  }
  const y = Float64Array.from(x);
  let next = new Float64Array(dimension + 1);
  const gradient = new Float64Array(dimension + 1);
  let momentum = 1;
  let iterations = 0;
  while (iterations < options.maxIterations) {
    iterations++;
    gradient.fill(0);
    for (let row = 0; row < rows; row++) {
      const from = d.rowStart[row] ?? 0;
      const to = d.rowStart[row + 1] ?? 0;
      let z = y[dimension] ?? 0;
      for (let k = from; k < to; k++) z += (y[d.columns[k] ?? 0] ?? 0) * (d.values[k] ?? 0);
      const residual = (d.weights[row] ?? 0) * (sigmoid(z) - (d.labels[row] ?? 0));
      for (let k = from; k < to; k++) {
        const column = d.columns[k] ?? 0;
        gradient[column] = (gradient[column] ?? 0) + residual * (d.values[k] ?? 0);
      }
      gradient[dimension] = (gradient[dimension] ?? 0) + residual;
    }
    let largest = 0;
    for (let column = 0; column <= dimension; column++) {
      const g = (gradient[column] ?? 0) + (column < dimension ? options.l2 * (y[column] ?? 0) : 0);
      gradient[column] = g;
      largest = Math.max(largest, Math.abs(g));
    }
    if (largest < options.tolerance) {
      x.set(y);
      break;
    }
    // Adaptive restart (O'Donoghue & Candès): when momentum carries the step uphill, drop it. Without it a
    // start near the optimum (a warm start) overshoots and takes as long as a cold one.
    let uphill = 0;
    for (let column = 0; column <= dimension; column++) {
      const stepped = (y[column] ?? 0) - step * (gradient[column] ?? 0);
      next[column] = stepped;
      uphill += (gradient[column] ?? 0) * (stepped - (x[column] ?? 0));
    }
    const nextMomentum = uphill > 0 ? 1 : (1 + Math.sqrt(1 + 4 * momentum * momentum)) / 2;
    const blend = uphill > 0 ? 0 : (momentum - 1) / nextMomentum;
    for (let column = 0; column <= dimension; column++) {
      const stepped = next[column] ?? 0;
      y[column] = stepped + blend * (stepped - (x[column] ?? 0));
    }
    [x, next] = [next, x];
    momentum = nextMomentum;
  }
  const weights = new Map<string, number>();
  d.features.forEach((feature, column) => {
    const w = x[column] ?? 0;
    if (w !== 0) weights.set(feature, w);
  });
  return { weights, bias: x[dimension] ?? 0, iterations };
}
