import { describe, expect, it } from 'vitest';
import { splitJsonArray } from './json-array.js';

describe('splitJsonArray', () => {
  it('cuts a pretty-printed array into elements with the line each starts on', () => {
    const text = '[\n  {\n    "a": "x, ]} \\" {"\n  },\n  {"b": [1, {"c": 2}]},\n  3\n]\n';
    expect(splitJsonArray(text)).toEqual([
      { line: 2, text: '{\n    "a": "x, ]} \\" {"\n  }' },
      { line: 5, text: '{"b": [1, {"c": 2}]}' },
      { line: 6, text: '3' },
    ]);
  });

  it('isolates a broken element and keeps a truncated last one for the caller to reject', () => {
    const elements = splitJsonArray('[{"a": 1}, {"a": oops}, {"a": 3}, {"a": "cut', 10);
    expect(elements.map((e) => e.text)).toEqual(['{"a": 1}', '{"a": oops}', '{"a": 3}', '{"a": "cut']);
    expect(elements.every((e) => e.line === 10)).toBe(true);
    expect(() => JSON.parse(elements[1]!.text)).toThrow();
  });

  it('returns nothing for an empty array', () => {
    expect(splitJsonArray('[ ]')).toEqual([]);
  });
});
