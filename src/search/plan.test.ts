import { describe, expect, it } from 'vitest';
import { expectedMatches, planSearch, type SearchLimits } from './plan.js';
import { parseQuery, type QueryWord } from './query.js';

const LIMITS: SearchLimits = { maxWords: 4, fullPostings: 1000, candidatePostings: 300 };
const DOCUMENTS = 10_000;

/** Document frequencies by word as typed (the planner stems, so test words are already stems). */
function frequencies(table: Record<string, number>) {
  return (word: QueryWord) => table[word.text] ?? 0;
}

const texts = (words: QueryWord[] | undefined) => words?.map((w) => w.text);

describe('planSearch', () => {
  it('keeps a cheap query whole', () => {
    const plan = planSearch(
      parseQuery('graph neural'),
      frequencies({ graph: 400, neural: 500 }),
      DOCUMENTS,
      LIMITS,
    );
    expect(texts(plan.query.should)).toEqual(['graph', 'neural']);
    expect(plan.candidates).toBeNull();
    expect(plan.unranked).toBe(false);
  });

  it('drops words no paper has and words most papers have, when something else remains', () => {
    const plan = planSearch(
      parseQuery('xyzzy model graph'),
      frequencies({ model: 6000, graph: 400 }),
      DOCUMENTS,
      LIMITS,
    );
    expect(texts(plan.query.should)).toEqual(['graph']);
  });

  it('lists matches unscored when every word is in most papers', () => {
    const plan = planSearch(parseQuery('model'), frequencies({ model: 6000 }), DOCUMENTS, LIMITS);
    expect(texts(plan.query.should)).toEqual(['model']);
    expect(plan.unranked).toBe(true);
  });

  it('lists matches unscored when the query is only required words that most papers have', () => {
    // Not a stopword: the parser drops those before planning.
    const df = frequencies({ model: 9000, graph: 10 });
    expect(planSearch(parseQuery('"model"'), df, DOCUMENTS, LIMITS).unranked).toBe(true);
    expect(planSearch(parseQuery('"model" "graph"'), df, DOCUMENTS, LIMITS).unranked).toBe(false);
  });

  it('merges words with the same index term and counts them', () => {
    const plan = planSearch(parseQuery('model models'), frequencies({ model: 100, models: 100 }), DOCUMENTS, {
      ...LIMITS,
    });
    expect(texts(plan.query.should)).toEqual(['model']);
  });

  it('keeps the most distinctive words of a long query', () => {
    const table = { aa: 10, bb: 20, cc: 900, dd: 30, ee: 800, ff: 40 };
    const plan = planSearch(parseQuery('aa bb cc dd ee ff'), frequencies(table), DOCUMENTS, LIMITS);
    expect(texts(plan.query.should)).toEqual(['aa', 'bb', 'dd', 'ff']);
  });

  it('narrows an expensive query to candidates holding one of its rarest words', () => {
    const table = { rare: 100, mid: 150, common: 2000, usual: 3000 };
    const plan = planSearch(parseQuery('common rare usual mid'), frequencies(table), DOCUMENTS, LIMITS);
    expect(texts(plan.query.should)).toEqual(['common', 'rare', 'usual', 'mid']);
    expect(plan.candidates?.mode).toBe('any');
    expect(texts(plan.candidates?.words)).toEqual(['rare', 'mid']);
  });

  it('asks for all words in the title when every word is too common to be a candidate alone', () => {
    const plan = planSearch(
      parseQuery('large language'),
      frequencies({ large: 3000, language: 3100 }),
      DOCUMENTS,
      LIMITS,
    );
    expect(plan.candidates).toEqual({
      words: parseQuery('large language').should,
      mode: 'allInTitle',
      scoreAll: true,
    });
  });

  it('falls back to the rarest word when a longer query has only common words', () => {
    const table = { aa: 400, bb: 500, cc: 600, dd: 700 };
    const plan = planSearch(parseQuery('dd cc bb aa'), frequencies(table), DOCUMENTS, LIMITS);
    expect(plan.candidates).toEqual({ words: [{ text: 'aa', prefix: false }], mode: 'any', scoreAll: true });
  });

  it('scores candidates on their candidate words only when scoring every word would read too much', () => {
    const table = { rare: 100, mid: 150, common: 2000, usual: 3000 };
    const query = parseQuery('common rare usual mid');
    const bounded = planSearch(query, frequencies(table), DOCUMENTS, { ...LIMITS, scoredPostings: 5000 });
    expect(bounded.candidates?.scoreAll).toBe(false);
    expect(texts(bounded.candidates?.words)).toEqual(['rare', 'mid']);
    const roomy = planSearch(query, frequencies(table), DOCUMENTS, { ...LIMITS, scoredPostings: 5250 });
    expect(roomy.candidates?.scoreAll).toBe(true);
  });

  it('never narrows around required phrases or prefixes', () => {
    const table = { common: 2000, usual: 3000, vision: 2500 };
    expect(
      planSearch(parseQuery('common usual "vision"'), frequencies(table), DOCUMENTS, LIMITS).candidates,
    ).toBeNull();
    expect(
      planSearch(parseQuery('common usual visi*'), frequencies(table), DOCUMENTS, LIMITS).candidates,
    ).toBeNull();
  });

  it('drops very common words beside a required phrase', () => {
    const plan = planSearch(
      parseQuery('model "graph"'),
      frequencies({ model: 6000, graph: 10 }),
      DOCUMENTS,
      LIMITS,
    );
    expect(texts(plan.query.should)).toEqual([]);
    expect(plan.query.must).toHaveLength(1);
  });
});

describe('expectedMatches', () => {
  const df = (word: QueryWord) => ({ masked: 40, diffusion: 300 })[word.text] ?? 0;
  it('adds up free words, takes the rarest required word, and cannot judge prefixes', () => {
    expect(expectedMatches(parseQuery('masked diffusion'), df)).toBe(340);
    expect(expectedMatches(parseQuery('"masked diffusion" other'), df)).toBe(40);
    expect(expectedMatches(parseQuery('masked diffus*'), df)).toBe(Infinity);
  });
});
