/**
 * A paper as Markdown, served at `/papers/{id}.md` as Hugging Face does for its paper pages: what
 * `huggingface_hub`'s paper reader, scripts and language-model tools fetch to read a paper in plain text.
 * Pure. LaTeX is left as written; only `<` is escaped, so no renderer can mistake text for HTML.
 */
import { paperToBibtex } from '../community/bibtex.js';
import { arxivAbsUrl, arxivPdfUrl } from '../model/arxiv-id.js';
import type { Paper } from '../model/paper.js';
import { paperPath } from '../web/paper-card.js';

function text(value: string): string {
  return value.replace(/\s+/g, ' ').trim().replace(/</g, '&lt;');
}

/** An autolink for http(s) URLs that can be one; anything else stays visible text, never a link. */
function link(url: string): string {
  return /^https?:\/\/[^\s<>]+$/i.test(url) ? `<${url}>` : text(url);
}

function day(timestamp: string | null): string | null {
  const ms = timestamp ? Date.parse(timestamp) : NaN;
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function paperMarkdown(paper: Paper, baseUrl: string): string {
  const facts: [string, string | null][] = [
    ['Authors', paper.authors.length > 0 ? paper.authors.map(text).join(', ') : null],
    [
      'arXiv',
      paper.isArxiv
        ? `[${paper.id}${paper.version ? `v${paper.version}` : ''}](${arxivAbsUrl(paper.id)}) · [PDF](${arxivPdfUrl(paper.id)})`
        : null,
    ],
    ['Published', day(paper.publishedAt)],
    [
      'On the feed',
      `${paper.feedDate} · ${plural(paper.upvotes, 'upvote')} · ${plural(paper.numComments, 'comment')}`,
    ],
    [
      'Submitted by',
      paper.submittedBy ? `${text(paper.submittedBy.fullname)} (@${text(paper.submittedBy.user)})` : null,
    ],
    ['Categories', paper.categories.length > 0 ? paper.categories.join(', ') : null],
    ['Code', paper.codeUrl ? link(paper.codeUrl) : null],
    ['Project page', paper.projectUrl ? link(paper.projectUrl) : null],
    ['DOI', paper.doi ? `[${text(paper.doi)}](https://doi.org/${encodeURI(paper.doi)})` : null],
    ['Journal reference', paper.journalRef ? text(paper.journalRef) : null],
    ['Comment', paper.comment ? text(paper.comment) : null],
    ['Organization', paper.organization ? text(paper.organization) : null],
    ['Paperboy page', `<${baseUrl}${paperPath(paper.id)}>`],
  ];
  const lines = [`# ${text(paper.title)}`, ''];
  for (const [label, value] of facts) if (value) lines.push(`- **${label}:** ${value}`);

  lines.push('', '## Abstract', '');
  const paragraphs = paper.abstract
    .split(/\n\s*\n/)
    .map(text)
    .filter(Boolean);
  lines.push(paragraphs.length > 0 ? paragraphs.join('\n\n') : '_No abstract is available for this paper._');

  if (paper.aiSummary) {
    lines.push('', '## AI summary', '', text(paper.aiSummary));
    if (paper.aiKeywords.length > 0) lines.push('', `Keywords: ${paper.aiKeywords.map(text).join(', ')}`);
  }
  lines.push('', '## Citation', '', '```bibtex', paperToBibtex(paper).trimEnd(), '```', '');
  return lines.join('\n');
}
