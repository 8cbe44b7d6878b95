import { describe, expect, it } from 'vitest';
import { collapseWhitespace, unwrapParagraphs } from './text.js';

describe('collapseWhitespace', () => {
  it('joins a wrapped title into one line', () => {
    expect(collapseWhitespace('ConvLLaVA: Hierarchical Backbones for Large Multimodal\n  Models ')).toBe(
      'ConvLLaVA: Hierarchical Backbones for Large Multimodal Models',
    );
  });
});

describe('unwrapParagraphs', () => {
  it('unwraps arXiv’s hard line breaks and keeps its indented paragraph starts', () => {
    const summary =
      'Self-supervised video correspondence learning depends on the ability to\naccurately associate pixels.\n  To this end, we propose $\\mathcal{L}_{x}$ <b> & co.\nMore text.';
    expect(unwrapParagraphs(summary)).toBe(
      'Self-supervised video correspondence learning depends on the ability to accurately associate pixels.\n\nTo this end, we propose $\\mathcal{L}_{x}$ <b> & co. More text.',
    );
  });

  it('treats blank lines as paragraph ends and trims the snapshot’s leading indentation', () => {
    expect(unwrapParagraphs('  First line\ncontinues.\n\n\nSecond.\r\n')).toBe(
      'First line continues.\n\nSecond.',
    );
  });

  it('leaves a one-line abstract alone', () => {
    expect(unwrapParagraphs('One paragraph only.')).toBe('One paragraph only.');
    expect(unwrapParagraphs('   ')).toBe('');
  });
});
