import { describe, expect, it } from 'vitest';
import {
  HIGHLIGHT_END as E,
  HIGHLIGHT_START as S,
  highlightRuns,
  highlightText,
  snippetText,
  termMatcher,
} from './highlight.js';
import { parseQuery } from './query.js';

describe('highlightText', () => {
  it('marks the words whose stem the query has, as written', () => {
    const matches = termMatcher(parseQuery('masked diffusion model'));
    expect(highlightText('Scaling up Masked Diffusion Models on Text', matches)).toBe(
      `Scaling up ${S}Masked${E} ${S}Diffusion${E} ${S}Models${E} on Text`,
    );
  });

  it('marks phrase words and prefixes the way the engine matches them', () => {
    const matches = termMatcher(parseQuery('"vision transformer" diffus* -survey'));
    expect(highlightText('Vision transformers, diffusing and a survey', matches)).toBe(
      `${S}Vision${E} ${S}transformers${E}, ${S}diffusing${E} and a survey`,
    );
  });

  it('drops private-use marks already in the text, so runs split only at its own marks', () => {
    const marked = highlightText(`odd ${S}text${E} here`, termMatcher(parseQuery('here')));
    expect(highlightRuns(marked)).toEqual([
      { text: 'odd text ', highlighted: false },
      { text: 'here', highlighted: true },
    ]);
  });

  it('handles accents and non-Latin words', () => {
    const matches = termMatcher(parseQuery('schrodinger'));
    expect(highlightText('Schrödinger’s cat 薛定谔', matches)).toBe(`${S}Schrödinger${E}’s cat 薛定谔`);
  });
});

describe('snippetText', () => {
  const words = (n: number, word = 'filler') => Array.from({ length: n }, () => word).join(' ');

  it('returns a short text whole', () => {
    expect(snippetText('A masked model.', termMatcher(parseQuery('masked')), 40)).toBe(
      `A ${S}masked${E} model.`,
    );
  });

  it('cuts a long text around the passage with the most distinct matches', () => {
    const text = `${words(30)} masked here. ${words(30)} masked diffusion together. ${words(30)}`;
    const snippet = snippetText(text, termMatcher(parseQuery('masked diffusion')), 10);
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet).toContain(`${S}masked${E} ${S}diffusion${E} together`);
    expect(snippet.split(/\s+/).length).toBeLessThanOrEqual(11);
  });

  it('starts at the beginning when nothing matches, keeping the end only if it fits', () => {
    const snippet = snippetText(`${words(50)}.`, termMatcher(parseQuery('absent')), 10);
    expect(snippet).toBe(`${words(10)}…`);
  });
});
