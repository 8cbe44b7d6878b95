import { describe, expect, it } from 'vitest';
import { parseQuery } from './query.js';
import { titlePhrase, titlePhraseFocus } from './title-phrase.js';

describe('titlePhrase', () => {
  it('takes the words of a short keyword query', () => {
    expect(titlePhrase(parseQuery('Masked Diffusion'))).toEqual(['masked', 'diffusion']);
    expect(titlePhrase(parseQuery('mixture of experts'))).toEqual(['mixture', 'experts']);
  });

  it('leaves single words, sentences, phrases and prefixes alone', () => {
    expect(titlePhrase(parseQuery('diffusion'))).toBeNull();
    expect(titlePhrase(parseQuery('masked diffusion models generate text quickly'))).toBeNull();
    expect(titlePhrase(parseQuery('"masked diffusion" text'))).toBeNull();
    expect(titlePhrase(parseQuery('masked diffus*'))).toBeNull();
  });
});

describe('titlePhraseFocus', () => {
  it('finds the words in order and as typed, stopwords aside', () => {
    // scaling, masked, diffusion, models, text (`up` and `on` are stopwords): two of five are the phrase.
    expect(
      titlePhraseFocus('Scaling up Masked Diffusion Models on Text', ['masked', 'diffusion']),
    ).toBeCloseTo(2 / 5);
    // sparse, mixture, experts, scale.
    expect(titlePhraseFocus('Sparse Mixture-of-Experts at Scale', ['mixture', 'experts'])).toBeCloseTo(2 / 4);
  });

  it('counts every occurrence of the phrase words in the title', () => {
    const title = 'Masked Diffusion Models are Secretly Time-Agnostic Masked Models';
    // masked, diffusion, models, secretly, time, agnostic, masked, models: three of eight.
    expect(titlePhraseFocus(title, ['masked', 'diffusion'])).toBeCloseTo(3 / 8);
  });

  it('ranks a title that is the topic above one where the phrase qualifies something else', () => {
    const focused = titlePhraseFocus('Unified Auto-Encoding with Masked Diffusion', ['masked', 'diffusion']);
    const incidental = titlePhraseFocus(
      'Who Should Lead Decoding Now? Tracking Reliable Trajectories for Ensembling Masked Diffusion Language Models',
      ['masked', 'diffusion'],
    );
    expect(focused).toBeGreaterThan(incidental);
    expect(incidental).toBeGreaterThan(0);
  });

  it('is 0 for other forms of the words or another order', () => {
    expect(titlePhraseFocus('Latent Masking Diffusion', ['masked', 'diffusion'])).toBe(0);
    expect(titlePhraseFocus('Diffusion, Masked', ['masked', 'diffusion'])).toBe(0);
    expect(titlePhraseFocus('Masked Image Diffusion', ['masked', 'diffusion'])).toBe(0);
  });
});
