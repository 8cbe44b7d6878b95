import { describe, expect, it } from 'vitest';
import { excerpt, linkLabel, plural, shortAuthors } from './text.js';

describe('excerpt', () => {
  it('returns short text whole, with whitespace collapsed', () => {
    expect(excerpt('Masked\n diffusion  models.', 100)).toBe('Masked diffusion models.');
  });

  it('cuts at a word boundary and adds an ellipsis', () => {
    const text = 'Sensor simulation is pivotal for scalable validation of autonomous driving systems';
    const result = excerpt(text, 40);
    expect(result).toBe('Sensor simulation is pivotal for…');
    expect(result.length).toBeLessThanOrEqual(41);
  });

  it('drops punctuation left dangling at the cut', () => {
    expect(excerpt('One, two, three, four, five, six', 15)).toBe('One, two, three…');
  });

  it('cuts inside a word when a single word is longer than the limit', () => {
    expect(excerpt('a'.repeat(50), 10)).toBe('a'.repeat(10) + '…');
  });
});

describe('shortAuthors', () => {
  it('lists up to four authors in full', () => {
    expect(shortAuthors([])).toBe('');
    expect(shortAuthors(['Ada'])).toBe('Ada');
    expect(shortAuthors(['Ada', 'Bob'])).toBe('Ada and Bob');
    expect(shortAuthors(['Ada', 'Bob', 'Cy', 'Di'])).toBe('Ada, Bob, Cy and Di');
  });

  it('shortens longer lists with et al.', () => {
    expect(shortAuthors(['Ada', 'Bob', 'Cy', 'Di', 'Ed'])).toBe('Ada, Bob, Cy et al.');
  });
});

describe('plural', () => {
  it('pluralises and groups thousands', () => {
    expect(plural(1, 'paper')).toBe('1 paper');
    expect(plural(0, 'paper')).toBe('0 papers');
    expect(plural(74728, 'paper')).toBe('74,728 papers');
  });
});

describe('linkLabel', () => {
  it('keeps the repository path for code hosts and the host otherwise', () => {
    expect(linkLabel('https://github.com/Zood123/COMET/')).toBe('github.com/Zood123/COMET');
    expect(linkLabel('https://www.envharness.com/docs')).toBe('envharness.com');
    expect(linkLabel('not a url')).toBe('not a url');
  });
});
