import { describe, expect, it } from 'vitest';
import { explain, type PositiveExample } from './explain.js';

const positives: PositiveExample[] = [
  {
    paperId: 'p1',
    title: 'Masked Diffusion for Text',
    kind: 'saved',
    vector: new Map([
      ['mask', 0.6],
      ['diffus', 0.6],
      ['text', 0.5],
    ]),
  },
  {
    paperId: 'p2',
    title: 'Robot Grasping',
    kind: 'upvoted',
    vector: new Map([
      ['robot', 0.8],
      ['grasp', 0.6],
    ]),
  },
];
const model = {
  weights: new Map([
    ['mask', 1],
    ['diffus', 1.2],
    ['text', 0.2],
    ['robot', 0.5],
    ['grasp', 0.4],
    ['survey', -0.5],
  ]),
  bias: 0,
};

describe('explain', () => {
  it('names the most similar paper of the user and the shared words the model favours, strongest first', () => {
    const candidate = {
      vector: new Map([
        ['mask', 0.5],
        ['diffus', 0.7],
        ['survey', 0.5],
        ['cat:cs.CL', 0.1],
      ]),
      words: new Map([
        ['mask', 'masked'],
        ['diffus', 'diffusion'],
        ['survey', 'survey'],
        ['cat:cs.CL', 'cs.CL'],
      ]),
    };
    const explanation = explain(candidate, positives, model);
    expect(explanation.because).toEqual({ paperId: 'p1', title: 'Masked Diffusion for Text', kind: 'saved' });
    expect(explanation.sharedWords).toEqual(['diffusion', 'masked']);
  });

  it('says "upvoted" for an upvoted paper and nothing when no paper shares a favoured word', () => {
    const robots = { vector: new Map([['robot', 1]]), words: new Map([['robot', 'robots']]) };
    expect(explain(robots, positives, model)).toEqual({
      because: { paperId: 'p2', title: 'Robot Grasping', kind: 'upvoted' },
      sharedWords: ['robots'],
    });
    const unrelated = { vector: new Map([['survey', 1]]), words: new Map([['survey', 'survey']]) };
    expect(explain(unrelated, positives, model)).toEqual({ because: null, sharedWords: [] });
  });
});
