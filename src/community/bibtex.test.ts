import { parse } from '@retorquere/bibtex-parser';
import { describe, expect, it } from 'vitest';
import { emptyPaper } from '../model/paper.js';
import { bibtexKey, bibtexTitle, escapeBibtex, paperToBibtex, papersToBibtex } from './bibtex.js';

function paper(overrides: Partial<ReturnType<typeof emptyPaper>> = {}) {
  return {
    ...emptyPaper('2503.11731', 'Masked Diffusion Models are Secretly Time-Agnostic', '2025-03-14'),
    authors: ['Kaiwen Zheng', 'Yongxin Chen'],
    categories: ['cs.LG', 'cs.AI'],
    publishedAt: '2025-03-12T17:59:46.000Z',
    ...overrides,
  };
}

describe('escapeBibtex', () => {
  it('escapes the characters TeX treats specially', () => {
    expect(escapeBibtex('50% & {braces} #1 a_b $5 ~ ^ \\')).toBe(
      '50\\% \\& \\{braces\\} \\#1 a\\_b \\$5 \\textasciitilde{} \\textasciicircum{} \\textbackslash{}',
    );
  });

  it('spells accented letters as TeX accents', () => {
    expect(escapeBibtex('café Jürgen Dvořák Łukasz Straße')).toBe(
      "caf{\\'e} J{\\\"u}rgen Dvo{\\v r}{\\'a}k {\\L}ukasz Stra{\\ss}e",
    );
    // Decomposed input gives the same result as precomposed.
    expect(escapeBibtex('cafe\u0301')).toBe("caf{\\'e}");
  });
});

describe('bibtexTitle', () => {
  it('protects meaningful capitals and keeps math', () => {
    expect(bibtexTitle('BERT meets ImageNet: $\\alpha$-divergence for GPT-4o')).toBe(
      '{BERT} meets {ImageNet}: $\\alpha$-divergence for {GPT-4o}',
    );
  });

  it('escapes a lone dollar instead of treating it as math', () => {
    expect(bibtexTitle('Training for under $5')).toBe('Training for under \\$5');
  });
});

describe('paperToBibtex', () => {
  it('writes an arXiv eprint entry', () => {
    expect(paperToBibtex(paper({ doi: '10.1000/x_y' }))).toBe(
      [
        '@misc{zheng2025masked,',
        '  title = {Masked Diffusion Models are Secretly {Time-Agnostic}},',
        '  author = {Kaiwen Zheng and Yongxin Chen},',
        '  year = {2025},',
        '  month = mar,',
        '  eprint = {2503.11731},',
        '  archivePrefix = {arXiv},',
        '  primaryClass = {cs.LG},',
        '  doi = {10.1000/x_y},',
        '  url = {https://arxiv.org/abs/2503.11731},',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('round-trips a hostile title through a real BibTeX parser', () => {
    const title = 'Curly {braces}, 100% & more: Café Ørsted naïve Dvořák';
    const authors = ['Jürgen Müller', 'Research and Development Team', 'Zoë O’Brien'];
    const bib = paperToBibtex(paper({ title, authors }));
    // Sentence-casing off: we want the title back exactly as written.
    const parsed = parse(bib, { sentenceCase: false });
    expect(parsed.errors).toEqual([]);
    const fields = parsed.entries[0]?.fields;
    // The parser returns decomposed accents; the text is the same.
    expect(String(fields?.title).normalize('NFC')).toBe(title);
    const names = JSON.parse(JSON.stringify(fields?.author).normalize('NFC')) as unknown;
    expect(names).toEqual([
      { firstName: 'Jürgen', lastName: 'Müller' },
      { name: 'Research and Development Team' },
      { firstName: 'Zoë', lastName: 'O’Brien' },
    ]);
    expect(fields?.eprint).toBe('2503.11731');
  });

  it('leaves out arXiv fields for papers without an arXiv id', () => {
    const bib = paperToBibtex(paper({ id: 'pb-0123456789ab', codeUrl: 'https://github.com/a/b' }));
    expect(bib).not.toContain('eprint');
    expect(bib).toContain('url = {https://github.com/a/b}');
  });
});

describe('papersToBibtex', () => {
  it('keeps keys unique within a file', () => {
    const bib = papersToBibtex([paper(), paper({ id: '2503.00001' }), paper({ id: '2503.00002' })]);
    const keys = parse(bib).entries.map((e) => e.key);
    expect(keys).toEqual(['zheng2025masked', 'zheng2025maskeda', 'zheng2025maskedb']);
  });

  it('derives keys from the author, year and first significant word', () => {
    expect(bibtexKey(paper({ title: 'The $k$-means Problem', authors: ['José van der Núñez'] }))).toBe(
      'nunez2025means',
    );
    expect(bibtexKey(paper({ authors: [], title: 'On Everything', publishedAt: null }))).toBe(
      'anon2025everything',
    );
  });
});
