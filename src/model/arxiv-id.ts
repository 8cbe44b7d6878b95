import { createHash } from 'node:crypto';

export interface ArxivId {
  /** Id without version: `2503.11731` or `astro-ph/0601001`. */
  id: string;
  /** Version number when the input named one (`v2` → 2), else null. */
  version: number | null;
}

// New style since 2007-04: YYMM.NNNN (4 digits until 2014, 5 since). Old style: archive[.SUBJ]/YYMMNNN.
const NEW_STYLE = /^(\d{4}\.\d{4,5})(?:v(\d+))?$/;
const OLD_STYLE = /^([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v(\d+))?$/;
const URL_FORM =
  /^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/(.+?)(?:\.pdf)?\/?(?:[?#].*)?$/i;

/** Parses an arXiv id, a versioned id, an `arXiv:` prefixed id, or an abs/PDF URL. Returns null if it is none. */
export function parseArxivId(input: string): ArxivId | null {
  let text = input.trim();
  const url = URL_FORM.exec(text);
  if (url?.[1]) text = url[1];
  text = text.replace(/^arxiv:/i, '');
  const match = NEW_STYLE.exec(text) ?? OLD_STYLE.exec(text);
  if (!match?.[1]) return null;
  return { id: match[1], version: match[2] ? Number(match[2]) : null };
}

export function isArxivId(id: string): boolean {
  return parseArxivId(id)?.version === null && parseArxivId(id)?.id === id;
}

export function arxivAbsUrl(id: string): string {
  return `https://arxiv.org/abs/${id}`;
}

export function arxivPdfUrl(id: string): string {
  return `https://arxiv.org/pdf/${id}`;
}

/**
 * A stable id for a paper that has no arXiv id, derived from its title so that importing the
 * same listing twice yields the same paper. Prefixed so it can never collide with an arXiv id.
 */
export function localPaperId(title: string): string {
  const normalized = title.normalize('NFKC').toLowerCase().replace(/\W+/gu, ' ').trim();
  return 'pb-' + createHash('sha256').update(normalized).digest('hex').slice(0, 12);
}
