/** Where a paper's code and project page live, as far as its text tells. */
export interface ExtractedLinks {
  codeUrl: string | null;
  projectUrl: string | null;
}

export interface FoundUrl {
  url: string;
  /** Lower-case host without `www.`. */
  host: string;
  /** The URL is introduced as a project, demo or home page ("Project page: https://…"). */
  labelledAsPage: boolean;
}

// Authors' LaTeX and arXiv's line wrapping break URLs in a few recurring ways (all seen in the corpus):
// `https://github.\ncom/a/b` (wrapped after the host's dot) and `https://4d-\nvisual.github.io` (after a hyphen).
const HOST_SPLIT_AT_DOT = /(https?:\/\/[^\s/{}]*\.)[ \t]*\r?\n[ \t]*(?=[a-z]{2,}\/)/gi;
const SPLIT_AT_HYPHEN = /((?:https?:\/\/|www\.)[^\s{}]*-)[ \t]*\r?\n[ \t]*(?=\w)/gi;

// A URL runs until whitespace or a character that never occurs unescaped in the links people write:
// braces end it, so `\href{URL}{text}` and the seed's `URL{URL}.` both yield URL. `\_` is LaTeX for `_`.
const CANDIDATE =
  /(?:https?:\/\/|\bwww\.|(?<![\w./@-])(?:github\.com|gitlab\.com|huggingface\.co|hf\.co)\/)(?:[^\s{}<>"'`\\[\]|^]|\\[_%&#~-])+/gi;

const MAY_HAVE_URL = /https?:|www\.|github\.com|gitlab\.com|huggingface\.co|hf\.co/i;

// `#` only when nothing follows it: an empty fragment.
const TRAILING_PUNCTUATION = /[.,;:!?'"*#]$/;

const PAGE_LABEL =
  /\b(?:project|home|web|demo|landing)[ -]?(?:page|site|website)\b|\bwebsite\b|\bhomepage\b|\bdemos?\b/i;

// Hosts whose links are code repositories when they name one (owner/repo), in order of preference.
const SOURCE_HOSTS = new Set(['github.com', 'gitlab.com', 'gitee.com', 'bitbucket.org', 'codeberg.org']);
const MODEL_HOSTS = new Set(['huggingface.co', 'hf.co']);
const PAGES_HOST = /\.(?:github|gitlab)\.io$|^sites\.google\.com$/;
// Links that point at references, media, storage or venues rather than at a paper's own page.
const NOT_A_PROJECT_PAGE = new Set([
  'arxiv.org',
  'doi.org',
  'dx.doi.org',
  'youtube.com',
  'youtu.be',
  'vimeo.com',
  'zenodo.org',
  'kaggle.com',
  'drive.google.com',
  'docs.google.com',
  'colab.research.google.com',
  'pypi.org',
  'bit.ly',
  'aka.ms',
  'osf.io',
  'figshare.com',
  'x.com',
  'twitter.com',
  'openreview.net',
  'aclanthology.org',
  'paperswithcode.com',
  'creativecommons.org',
  'wikipedia.org',
  'en.wikipedia.org',
]);

/** Every URL in `text`, cleaned of the punctuation and LaTeX around it, in order of appearance. */
export function findUrls(text: string): FoundUrl[] {
  // Most abstracts have no link; this check is far cheaper than running the patterns below.
  if (!MAY_HAVE_URL.test(text)) return [];
  const repaired = text.replace(HOST_SPLIT_AT_DOT, '$1').replace(SPLIT_AT_HYPHEN, '$1');
  const found: FoundUrl[] = [];
  let previousEnd = 0;
  for (const match of repaired.matchAll(CANDIDATE)) {
    const start = match.index;
    const context =
      repaired
        .slice(Math.max(previousEnd, start - 80), start)
        .split(/[;]|\.\s/)
        .pop() ?? '';
    previousEnd = start + match[0].length;
    const url = cleanUrl(match[0]);
    if (!url) continue;
    found.push({ ...url, labelledAsPage: PAGE_LABEL.test(context) });
  }
  return found;
}

function cleanUrl(raw: string): { url: string; host: string } | null {
  let text = raw.replace(/\\([_%&#~-])/g, '$1');
  // A parenthesis never closed in the URL opened the next sentence: `…/DGHMesh.(The code…`.
  const open = text.lastIndexOf('(');
  if (open >= 0 && text.indexOf(')', open) < 0) text = text.slice(0, open);
  for (;;) {
    const last = text.at(-1);
    if (last !== undefined && TRAILING_PUNCTUATION.test(last)) text = text.slice(0, -1);
    else if (last === ')' && count(text, '(') < count(text, ')')) text = text.slice(0, -1);
    else break;
  }
  if (!/^https?:\/\//i.test(text)) text = `https://${text}`;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return null;
  }
  const host = parsed.hostname.toLowerCase().replace(/^www\./, '');
  if (!host.includes('.') || host.endsWith('.')) return null;
  return { url: text, host };
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

function pathSegments(url: string): string[] {
  return new URL(url).pathname.split('/').filter((segment) => segment !== '');
}

/** A link to a specific repository (owner/repo), not to a host's front page or a user's profile. */
function isRepository(link: FoundUrl): boolean {
  const segments = pathSegments(link.url);
  if (SOURCE_HOSTS.has(link.host) || /^git(?:lab)?\./.test(link.host)) return segments.length >= 2;
  if (link.host === 'anonymous.4open.science') return segments[0] === 'r' && segments.length >= 2;
  if (MODEL_HOSTS.has(link.host)) {
    const owned = ['datasets', 'spaces', 'models'].includes(segments[0] ?? '') ? segments.slice(1) : segments;
    return owned.length >= 2;
  }
  return false;
}

function isCodeHost(link: FoundUrl): boolean {
  return (
    SOURCE_HOSTS.has(link.host) ||
    MODEL_HOSTS.has(link.host) ||
    link.host === 'anonymous.4open.science' ||
    /^git(?:lab)?\./.test(link.host)
  );
}

/**
 * Finds the code repository and project page named in a paper's texts (abstract first, then comment).
 * Code: the first GitHub/GitLab/… repository, else the first Hugging Face repository. Project page: the
 * first link introduced as a project/demo/home page, else the first `github.io` / `gitlab.io` page,
 * else the first other link that is not a reference, video or file-storage link.
 */
export function extractLinks(...texts: (string | null | undefined)[]): ExtractedLinks {
  const links = texts.flatMap((text) => (text ? findUrls(text) : []));
  const repositories = links.filter(isRepository);
  const pages = links.filter((link) => !isCodeHost(link));
  const code =
    repositories.find((link) => !MODEL_HOSTS.has(link.host)) ??
    repositories.find((link) => MODEL_HOSTS.has(link.host));
  const project =
    pages.find((link) => link.labelledAsPage) ??
    pages.find((link) => PAGES_HOST.test(link.host)) ??
    pages.find((link) => !NOT_A_PROJECT_PAGE.has(link.host));
  return { codeUrl: code?.url ?? null, projectUrl: project?.url ?? null };
}
