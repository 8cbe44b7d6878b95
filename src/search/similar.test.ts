import { describe, expect, it } from 'vitest';
import { distinctiveWords } from './similar.js';
import { stem } from './terms.js';

describe('distinctiveWords', () => {
  const frequencies: Record<string, number> = { mask: 40, diffus: 60, model: 800, text: 300, scale: 200 };
  const df = (term: string) => frequencies[term] ?? 1;

  it('picks the rarest words the paper repeats, title words counting triple', () => {
    const words = distinctiveWords(
      {
        title: 'Scaling Masked Diffusion',
        abstract: 'Masked diffusion models of text. Text models and more models.',
      },
      df,
      1000,
      3,
    );
    expect(words.map((w) => w.text)).toEqual(['masked', 'diffusion', 'scaling']);
    expect(words.every((w) => !w.prefix)).toBe(true);
  });

  it('leaves out stopwords, numbers, words only this paper has and words most papers have', () => {
    const words = distinctiveWords({ title: 'The 2 uniqueword models', abstract: 'of the text' }, df, 1000);
    expect(words.map((w) => stem(w.text))).toEqual(['text']);
  });
});
