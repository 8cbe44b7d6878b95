import { describe, expect, it } from 'vitest';
import { fieldsOf, normaliseEmail, parseTopicFields, topicFields } from './forms.js';

const none = { daily: false, weekly: false, categories: '', alerts: '' };

describe('mail forms', () => {
  it('normalises addresses and rejects what is not one', () => {
    expect(normaliseEmail('  Ada@Example.ORG ')).toBe('ada@example.org');
    for (const bad of [
      '',
      'ada',
      'ada@',
      '@example.org',
      'a b@example.org',
      `${'x'.repeat(250)}@example.org`,
    ]) {
      expect(normaliseEmail(bad)).toBeNull();
    }
  });

  it('reads topics from the form, deduplicated and in a stable order', () => {
    const parsed = parseTopicFields(
      {
        daily: true,
        weekly: true,
        categories: 'cs.LG, cs.CL cs.LG',
        alerts: 'masked   diffusion\n\n"state space" -vision\nmasked diffusion',
      },
      false,
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.topics).toEqual([
      { type: 'daily' },
      { type: 'weekly' },
      { type: 'category', category: 'cs.CL' },
      { type: 'category', category: 'cs.LG' },
      { type: 'search', query: '"state space" -vision' },
      { type: 'search', query: 'masked diffusion' },
    ]);
    expect(fieldsOf(parsed.topics)).toEqual({
      daily: true,
      weekly: true,
      categories: 'cs.CL cs.LG',
      alerts: '"state space" -vision\nmasked diffusion',
    });
  });

  it('names every unusable field', () => {
    const parsed = parseTopicFields(
      { ...none, categories: 'cs.CL <script>', alerts: '---\n' + 'x'.repeat(201) },
      false,
    );
    expect(parsed.errors).toHaveLength(3);
    expect(parsed.errors[0]).toContain('<script>');
  });

  it('gives the short form the daily digest and asks the preferences form for a choice', () => {
    expect(parseTopicFields(none, true)).toEqual({ topics: [{ type: 'daily' }], errors: [] });
    expect(parseTopicFields(none, false).errors[0]).toContain('Choose at least one');
  });

  it('reads checkboxes and ignores files and repeated fields', () => {
    const fields = topicFields({ daily: 'on', weekly: ['1', '0'], categories: new File(['x'], 'x.txt') });
    expect(fields).toEqual({ daily: true, weekly: true, categories: '', alerts: '' });
  });
});
