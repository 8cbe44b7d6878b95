import { arxivAbsUrl } from '../model/arxiv-id.js';
import type { PaperInput } from '../model/paper.js';

/**
 * BibTeX for papers, as arXiv-aware reference managers expect it (`@misc` with `eprint`,
 * `archivePrefix`, `primaryClass`). Pure: used for collection exports and single-paper `.bib` files.
 *
 * Text is escaped for classic 7-bit BibTeX: the characters TeX treats specially are escaped, accented
 * letters become TeX accent commands (`é` → `{\'e}`), and words whose capitals carry meaning (`BERT`,
 * `ImageNet`) are wrapped in braces so bibliography styles do not lowercase them. Math between `$…$`
 * is passed through as written, since arXiv titles are TeX already.
 */

const SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  '%': '\\%',
  '&': '\\&',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  // In TeX's default OT1 text font these three print as ¡, ¿ and an em dash.
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
};

// Combining marks (after NFD) and the TeX accent command for each.
const ACCENTS: Record<string, string> = {
  '\u0300': '`',
  '\u0301': "'",
  '\u0302': '^',
  '\u0303': '~',
  '\u0304': '=',
  '\u0306': 'u',
  '\u0307': '.',
  '\u0308': '"',
  '\u030A': 'r',
  '\u030B': 'H',
  '\u030C': 'v',
  '\u0327': 'c',
  '\u0328': 'k',
};

const LETTERS: Record<string, string> = {
  ß: '{\\ss}',
  æ: '{\\ae}',
  Æ: '{\\AE}',
  œ: '{\\oe}',
  Œ: '{\\OE}',
  ø: '{\\o}',
  Ø: '{\\O}',
  ł: '{\\l}',
  Ł: '{\\L}',
  ı: '{\\i}',
  å: '{\\aa}',
  Å: '{\\AA}',
};

/** Escapes one piece of plain text (no math) for a BibTeX field value. */
export function escapeBibtex(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const special = SPECIAL[ch] ?? LETTERS[ch];
    if (special) {
      out += special;
      continue;
    }
    if (ch.charCodeAt(0) < 0x80) {
      out += ch;
      continue;
    }
    const [base = '', ...marks] = [...ch.normalize('NFD')];
    const commands = marks.map((m) => ACCENTS[m]);
    if (marks.length > 0 && /^[A-Za-z]$/.test(base) && commands.every(Boolean)) {
      // `{\'e}`: the braces keep BibTeX's case changes and sorting from splitting the accent off.
      out += commands.reduceRight(
        (inner, cmd) => `{\\${cmd}${/[a-z]/i.test(cmd ?? '') ? ' ' : ''}${inner}}`,
        base,
      );
    } else {
      // Greek, CJK and the rest have no 7-bit spelling; biber and bibtex8 read them as UTF-8.
      out += ch;
    }
  }
  return out;
}

/** Capitals after the first letter (`BERT`, `ImageNet`, `GPT-4o`) mean a name or acronym. */
function needsCaseProtection(word: string): boolean {
  return /\p{Lu}/u.test([...word].slice(1).join(''));
}

/** `ImageNet:` → `{ImageNet}:` — the braces hold the word, not the punctuation around it. */
function protectWord(word: string): string {
  const [, lead = '', core = '', trail = ''] = /^(\p{P}*)(.*?)(\p{P}*)$/u.exec(word) ?? [];
  if (!needsCaseProtection(core)) return escapeBibtex(word);
  return `${escapeBibtex(lead)}{${escapeBibtex(core)}}${escapeBibtex(trail)}`;
}

/** Splits `$…$` math from text; an unmatched `$` is text. */
function splitMath(text: string): { math: boolean; text: string }[] {
  const parts: { math: boolean; text: string }[] = [];
  let rest = text;
  for (;;) {
    const m = /\$[^$]+\$/.exec(rest);
    if (!m || !balancedBraces(m[0])) break;
    if (m.index > 0) parts.push({ math: false, text: rest.slice(0, m.index) });
    parts.push({ math: true, text: m[0] });
    rest = rest.slice(m.index + m[0].length);
  }
  if (rest) parts.push({ math: false, text: rest });
  return parts;
}

function balancedBraces(tex: string): boolean {
  let depth = 0;
  for (let i = 0; i < tex.length; i++) {
    if (tex[i] === '\\') i++;
    else if (tex[i] === '{') depth++;
    else if (tex[i] === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

/** A title for a `title` field: escaped, math kept, meaningful capitals protected. */
export function bibtexTitle(title: string): string {
  const flat = title.replace(/\s+/g, ' ').trim();
  return splitMath(flat)
    .map((part) => (part.math ? part.text : part.text.split(/(\s+)/).map(protectWord).join('')))
    .join('');
}

/** Authors joined with ` and `; a name that itself contains " and " is braced so it stays one author. */
export function bibtexAuthors(authors: string[]): string {
  return authors
    .map((name) => name.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .map((name) => (/\band\b/i.test(name) ? `{${escapeBibtex(name)}}` : escapeBibtex(name)))
    .join(' and ');
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function asciiFold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const KEY_STOPWORDS = new Set([
  'a',
  'an',
  'the',
  'on',
  'of',
  'in',
  'for',
  'to',
  'and',
  'with',
  'towards',
  'toward',
]);

/** Google Scholar's key shape: first author's last name, year, first significant title word. */
export function bibtexKey(paper: Pick<PaperInput, 'authors' | 'title' | 'publishedAt' | 'feedDate'>): string {
  const lastName = asciiFold(paper.authors[0]?.trim().split(/\s+/).pop() ?? '') || 'anon';
  const year = (paper.publishedAt ?? paper.feedDate).slice(0, 4);
  const word =
    paper.title
      .replace(/\$[^$]*\$/g, ' ')
      .split(/[\s\-:]+/)
      .map(asciiFold)
      .find((w) => w && !KEY_STOPWORDS.has(w)) ?? '';
  return `${lastName}${year}${word}`;
}

type BibtexPaper = Pick<
  PaperInput,
  'id' | 'title' | 'authors' | 'categories' | 'publishedAt' | 'feedDate' | 'doi' | 'journalRef' | 'codeUrl'
> & { isArxiv?: boolean };

/** One `@misc` entry. */
export function paperToBibtex(paper: BibtexPaper, key = bibtexKey(paper)): string {
  const date = paper.publishedAt ?? paper.feedDate;
  const isArxiv = paper.isArxiv ?? !paper.id.startsWith('pb-');
  const fields: [string, string][] = [
    ['title', bibtexTitle(paper.title)],
    ['author', bibtexAuthors(paper.authors)],
    ['year', date.slice(0, 4)],
  ];
  const month = MONTHS[Number(date.slice(5, 7)) - 1];
  const lines = fields.filter(([, v]) => v).map(([k, v]) => `  ${k} = {${v}},`);
  if (month) lines.push(`  month = ${month},`);
  if (isArxiv) {
    lines.push(`  eprint = {${paper.id}},`, '  archivePrefix = {arXiv},');
    if (paper.categories[0]) lines.push(`  primaryClass = {${escapeBibtex(paper.categories[0])}},`);
  }
  // DOIs, like URLs, are verbatim fields (biblatex, \doi{}): escaping would put a backslash into the DOI.
  if (paper.doi) lines.push(`  doi = {${balancedBraces(paper.doi) ? paper.doi : escapeBibtex(paper.doi)}},`);
  if (paper.journalRef) lines.push(`  note = {${escapeBibtex(paper.journalRef)}},`);
  const url = isArxiv ? arxivAbsUrl(paper.id) : paper.codeUrl;
  // URLs go in verbatim: BibTeX styles wrap `url` in \url{}, which takes `%` and `_` literally.
  if (url && balancedBraces(url)) lines.push(`  url = {${url}},`);
  return `@misc{${key},\n${lines.join('\n')}\n}\n`;
}

/** A `.bib` file for several papers, with keys made unique (`smith2024deep`, `smith2024deepa`, …). */
export function papersToBibtex(papers: BibtexPaper[]): string {
  const used = new Map<string, number>();
  return papers
    .map((paper) => {
      const base = bibtexKey(paper);
      const seen = used.get(base) ?? 0;
      used.set(base, seen + 1);
      return paperToBibtex(paper, seen === 0 ? base : `${base}${suffix(seen)}`);
    })
    .join('\n');
}

function suffix(n: number): string {
  let s = '';
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(97 + ((i - 1) % 26)) + s;
  return s;
}
