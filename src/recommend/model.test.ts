import { describe, expect, it } from 'vitest';
import type { SparseVector } from './features.js';
import { score, trainLogistic, type TrainingExample } from './model.js';

const unit = (entries: Record<string, number>): SparseVector => {
  const norm = Math.sqrt(Object.values(entries).reduce((s, v) => s + v * v, 0));
  return new Map(Object.entries(entries).map(([k, v]) => [k, v / norm]));
};

// Positives about masked diffusion, negatives about robots; "model" is everywhere.
const positives = [
  unit({ mask: 1, diffus: 1, model: 0.3 }),
  unit({ mask: 1, diffus: 0.8, text: 0.5, model: 0.3 }),
  unit({ diffus: 1, text: 1, model: 0.3 }),
];
const negatives = [
  unit({ robot: 1, grasp: 1, model: 0.3 }),
  unit({ robot: 1, navig: 1, model: 0.3 }),
  unit({ imag: 1, segment: 1, model: 0.3 }),
  unit({ speech: 1, model: 0.3 }),
];
const examples: TrainingExample[] = [
  ...positives.map((vector) => ({ vector, label: 1 as const, weight: 1 / positives.length })),
  ...negatives.map((vector) => ({ vector, label: 0 as const, weight: 1 / negatives.length })),
];
const options = { l2: 0.01, maxIterations: 2000, tolerance: 1e-6 };

/** The objective's gradient at the model, computed independently of the optimiser. */
function gradient(
  model: { weights: ReadonlyMap<string, number>; bias: number },
  l2: number,
): Map<string, number> {
  const g = new Map<string, number>();
  let bias = 0;
  for (const e of examples) {
    const residual = e.weight * (1 / (1 + Math.exp(-score(model, e.vector))) - e.label);
    for (const [f, v] of e.vector) g.set(f, (g.get(f) ?? 0) + residual * v);
    bias += residual;
  }
  for (const [f, value] of g) g.set(f, value + l2 * (model.weights.get(f) ?? 0));
  g.set('(bias)', bias);
  return g;
}

describe('trainLogistic', () => {
  it('reaches the optimum of the regularised loss', () => {
    const model = trainLogistic(examples, options);
    for (const value of gradient(model, options.l2).values()) expect(Math.abs(value)).toBeLessThan(1e-5);
  });

  it('ranks papers like the positives first and learns what separates them', () => {
    const model = trainLogistic(examples, options);
    const maskedText = unit({ mask: 1, diffus: 1, text: 1, model: 0.3 });
    const robots = unit({ robot: 1, grasp: 0.5, model: 0.3 });
    expect(score(model, maskedText)).toBeGreaterThan(score(model, robots));
    expect(model.weights.get('diffus') ?? 0).toBeGreaterThan(0);
    expect(model.weights.get('robot') ?? 0).toBeLessThan(0);
    // In every example alike, so it separates nothing.
    expect(Math.abs(model.weights.get('model') ?? 0)).toBeLessThan(model.weights.get('diffus') ?? 0);
  });

  it('a warm start from the previous weights converges in fewer iterations after a small change', () => {
    // The tolerance the recommender trains to (TRAINING_OPTIONS).
    const product = { ...options, tolerance: 1e-3 };
    const first = trainLogistic(examples, product);
    const more = [...examples, { vector: unit({ mask: 1, text: 1 }), label: 1 as const, weight: 0.05 }];
    const cold = trainLogistic(more, product);
    const warm = trainLogistic(more, product, first);
    expect(warm.iterations).toBeLessThan(cold.iterations);
    expect(score(warm, positives[0] ?? new Map())).toBeCloseTo(score(cold, positives[0] ?? new Map()), 1);
  });

  it('an explicit negative pushes its words down', () => {
    const plain = trainLogistic(examples, options);
    const declined = trainLogistic(
      [...examples, { vector: unit({ diffus: 1, imag: 1 }), label: 0 as const, weight: 1 }],
      options,
    );
    const imageDiffusion = unit({ diffus: 1, imag: 1 });
    expect(score(declined, imageDiffusion)).toBeLessThan(score(plain, imageDiffusion));
  });
});
