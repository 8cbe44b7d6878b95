import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../search/query.js';
import { withEllipses } from './search-sql.js';
import { toExactPhrase, toTsQuery } from './tsquery.js';

describe('toTsQuery', () => {
  it('ORs free words, requires phrases, negates exclusions and keeps prefixes', () => {
    expect(toTsQuery(parseQuery('masked diffusion'))).toBe("('masked' | 'diffusion')");
    expect(toTsQuery(parseQuery('"masked diffusion" model -vision -"image gen" diffus*'))).toBe(
      "('model' | 'diffus':*) & ('masked' <-> 'diffusion') & !('vision') & !('image' <-> 'gen')",
    );
    expect(toTsQuery(parseQuery('+transformer'))).toBe("('transformer')");
    expect(toTsQuery(parseQuery('"state-of-the-art" sur*'))).toBe(
      "('sur':*) & ('state' <-> 'of' <-> 'the' <-> 'art')",
    );
  });

  it('has nothing to match for empty queries and exclusions alone', () => {
    for (const query of ['', '   ', '-', '-vision', '"', '!&|:*()'])
      expect(toTsQuery(parseQuery(query))).toBeNull();
  });

  it('escapes quotes and backslashes even though the parser yields none', () => {
    const query = { should: [{ text: "o'brien\\", prefix: false }], must: [], not: [] };
    expect(toTsQuery(query)).toBe("('o''brien\\\\')");
  });

  it('never lets user text reach the tsquery syntax', () => {
    // Outside the quoted operands only the compiler's own operators remain, and every operand is closed.
    const operand = /'(?:[^'\\]|''|\\\\)*'(?::\*)?/gu;
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (input) => {
        const tsquery = toTsQuery(parseQuery(input));
        if (tsquery === null) return;
        expect(tsquery.replace(operand, 'W')).toMatch(/^[W()|&!<\->\s]+$/u);
      }),
      { numRuns: 500 },
    );
  });
});

describe('toExactPhrase', () => {
  it('joins two to four plain free words', () => {
    expect(toExactPhrase(parseQuery('masked diffusion'))).toBe("'masked' <-> 'diffusion'");
    expect(toExactPhrase(parseQuery('diffusion'))).toBeNull();
    expect(toExactPhrase(parseQuery('masked diffus*'))).toBeNull();
    expect(toExactPhrase(parseQuery('a1 b2 c3 d4 e5'))).toBeNull();
  });
});

describe('withEllipses', () => {
  const abstract = 'One two three. Four five six seven.';
  it('marks where the excerpt was cut', () => {
    expect(withEllipses(abstract, 'three. \uE000Four\uE001 five')).toBe('…three. \uE000Four\uE001 five…');
    expect(withEllipses(abstract, 'One two')).toBe('One two…');
    expect(withEllipses(abstract, 'five six seven.')).toBe('…five six seven.');
    expect(withEllipses(abstract, abstract)).toBe(abstract);
    expect(withEllipses('', '')).toBe('');
  });
});
