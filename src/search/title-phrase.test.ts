import { describe, expect, it } from 'vitest';
import { parseQuery } from './query.js';
import { titleHasPhrase, titlePhrase } from './title-phrase.js';

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

describe('titleHasPhrase', () => {
  it('finds the words in order and as typed, stopwords aside', () => {
    expect(titleHasPhrase('Scaling up Masked Diffusion Models on Text', ['masked', 'diffusion'])).toBe(true);
    expect(titleHasPhrase('Sparse Mixture-of-Experts at Scale', ['mixture', 'experts'])).toBe(true);
  });

  it('does not take other forms of the words or another order', () => {
    expect(titleHasPhrase('Latent Masking Diffusion', ['masked', 'diffusion'])).toBe(false);
    expect(titleHasPhrase('Diffusion, Masked', ['masked', 'diffusion'])).toBe(false);
    expect(titleHasPhrase('Masked Image Diffusion', ['masked', 'diffusion'])).toBe(false);
  });
});
