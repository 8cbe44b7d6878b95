/**
 * The messages Paperboy sends, each as a plain-text and an HTML part with the same content. Everything taken
 * from papers is escaped (see html.ts); LaTeX is shown as readable Unicode (see latex-text.ts); links are
 * absolute, built from PAPERBOY_BASE_URL; only http(s) links from paper metadata are ever linked.
 */
import type { Paper } from '../model/paper.js';
import { issueLabel } from './calendar.js';
import { collapseWhitespace, excerpt, shortAuthors } from '../web/text.js';
import { html, SafeHtml } from './html.js';
import { readableLatex } from './latex-text.js';
import type { DigestSection } from './select.js';
import { describeTopic, type DigestKind, type Topic } from './topics.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface DigestMessage {
  kind: DigestKind;
  issue: string;
  sections: DigestSection[];
  email: string;
  manageUrl: string;
  unsubscribeUrl: string;
}

const TITLES: Record<DigestKind, string> = {
  daily: 'Trending papers today',
  weekly: 'Trending papers this week',
  alerts: 'New papers for your alerts',
  personal: 'Recommended for you',
};

const EXCERPT_CHARS = 320;
const TEXT_WIDTH = 72;

/** A paper rendered once per run and reused in every message that holds it. */
interface PaperBlock {
  text: string;
  html: string;
}

export function paperUrl(baseUrl: string, id: string): string {
  return `${baseUrl}/papers/${encodeURIComponent(id)}`;
}

/** Renders digests for one instance; keeps each paper's rendering for the lifetime of the renderer (one run). */
export class DigestRenderer {
  private readonly blocks = new Map<string, PaperBlock>();

  constructor(private readonly baseUrl: string) {}

  render(message: DigestMessage): RenderedMail {
    const papers = message.sections.flatMap((s) => s.papers);
    const subject = digestSubject(message.kind, message.issue, message.sections);
    const heading = TITLES[message.kind];
    const label = issueLabel(message.issue);
    const withHeadings = message.kind === 'alerts';

    const textSections = message.sections.map((section) => {
      const head = withHeadings ? `${describeTopic(section.topic)}\n${'-'.repeat(TEXT_WIDTH / 2)}\n\n` : '';
      const note = (p: Paper): string => {
        const why = section.notes?.[p.id];
        return why ? `\n${wrap(`Why: ${why}`, TEXT_WIDTH, '   ')}` : '';
      };
      return head + section.papers.map((p, i) => `${i + 1}. ${this.block(p).text}${note(p)}`).join('\n\n');
    });
    const text = [
      `${heading} · ${label}`,
      '='.repeat(Math.min(TEXT_WIDTH, heading.length + label.length + 3)),
      '',
      textSections.join('\n\n\n'),
      '',
      footerText(this.baseUrl, message.email, message.manageUrl, message.unsubscribeUrl),
    ].join('\n');

    const body = message.sections.map(
      (section) =>
        html`${
          withHeadings
            ? html`<tr>
                <td style="padding:20px 28px 4px">
                  <h2 style="margin:0;font-size:16px;color:#444">${describeTopic(section.topic)}</h2>
                </td>
              </tr>`
            : ''
        }${section.papers.map((p) => {
          const why = section.notes?.[p.id];
          return html`${new SafeHtml(this.block(p).html)}${
            why
              ? html`<tr>
                  <td style="padding:0 28px 14px;font-size:13px;color:#555"><em>Why:</em> ${why}</td>
                </tr>`
              : ''
          }`;
        })}`,
    );
    const preheader = papers
      .slice(0, 3)
      .map((p) => readableLatex(p.title))
      .join(' · ');
    const page = documentHtml(
      subject,
      preheader,
      html`<tr>
          <td style="padding:24px 28px 8px">
            <a
              href="${this.baseUrl}"
              style="color:#b45309;font-weight:700;text-decoration:none;font-size:14px"
              >Paperboy</a
            >
            <h1 style="margin:6px 0 0;font-size:22px;line-height:1.3">${heading}</h1>
            <p style="margin:4px 0 0;color:#666;font-size:14px">${label} · ${countPapers(papers.length)}</p>
          </td>
        </tr>
        ${body}${footerHtml(this.baseUrl, message.email, message.manageUrl, message.unsubscribeUrl)}`,
    );
    return { subject, text, html: page };
  }

  private block(paper: Paper): PaperBlock {
    let block = this.blocks.get(paper.id);
    if (!block) {
      block = renderPaper(this.baseUrl, paper);
      this.blocks.set(paper.id, block);
    }
    return block;
  }
}

function countPapers(n: number): string {
  return n === 1 ? '1 paper' : `${n} papers`;
}

export function digestSubject(kind: DigestKind, issue: string, sections: DigestSection[]): string {
  const papers = sections.flatMap((s) => s.papers);
  const label = issueLabel(issue);
  if (kind === 'alerts') {
    const only = sections.length === 1 ? sections[0]?.topic : undefined;
    const what = only ? topicPhrase(only) : 'your alerts';
    return `${countPapers(papers.length).replace('paper', 'new paper')} for ${what} · ${label}`;
  }
  const first = papers[0] ? excerpt(readableLatex(papers[0].title), 80) : '';
  const more = papers.length > 1 ? ` and ${papers.length - 1} more` : '';
  const title = { daily: 'Trending today', weekly: 'Trending this week', personal: 'Recommended for you' }[
    kind
  ];
  return `${title} (${label}): ${first}${more}`;
}

function topicPhrase(topic: Topic): string {
  if (topic.type === 'category') return topic.category;
  if (topic.type === 'search') return `“${excerpt(topic.query, 60)}”`;
  return topic.type;
}

function renderPaper(baseUrl: string, paper: Paper): PaperBlock {
  const url = paperUrl(baseUrl, paper.id);
  const title = collapseWhitespace(readableLatex(paper.title));
  const summary = excerpt(readableLatex(paper.abstract), EXCERPT_CHARS);
  const meta = [
    shortAuthors(paper.authors),
    paper.categories[0],
    paper.upvotes > 0 ? `▲ ${paper.upvotes}` : '',
  ].filter(Boolean);
  const links = paperLinks(paper, url);

  const text = [
    wrap(title, TEXT_WIDTH, '   ').trimStart(),
    meta.length ? wrap(meta.join(' · '), TEXT_WIDTH, '   ') : '',
    summary ? wrap(summary, TEXT_WIDTH, '   ') : '',
    ...links.map((l) => `   ${l.label}: ${l.href}`),
  ]
    .filter(Boolean)
    .join('\n');

  const linkHtml = links.map(
    (l, i) =>
      html`${i > 0 ? ' · ' : ''}<a href="${l.href}" style="color:#1a56db;text-decoration:none"
          >${l.label}</a
        >`,
  );
  const block = html`<tr>
    <td style="padding:14px 28px;border-top:1px solid #eee">
      <a href="${url}" style="font-size:16px;font-weight:600;line-height:1.35;color:#111;text-decoration:none"
        >${title}</a
      >
      ${meta.length ? html`<div style="margin-top:4px;font-size:13px;color:#666">${meta.join(' · ')}</div>` : ''}
      ${summary ? html`<div style="margin-top:6px;font-size:14px;line-height:1.5;color:#333">${summary}</div>` : ''}
      <div style="margin-top:6px;font-size:13px">${linkHtml}</div>
    </td>
  </tr>`;
  return { text, html: block.value };
}

function paperLinks(paper: Paper, url: string): { label: string; href: string }[] {
  const links = [{ label: 'Read on Paperboy', href: url }];
  if (paper.isArxiv) {
    links.push({ label: 'arXiv', href: `https://arxiv.org/abs/${paper.id}` });
    links.push({ label: 'PDF', href: `https://arxiv.org/pdf/${paper.id}` });
  }
  const code = safeUrl(paper.codeUrl);
  if (code) links.push({ label: 'Code', href: code });
  const project = safeUrl(paper.projectUrl);
  if (project) links.push({ label: 'Project page', href: project });
  return links;
}

/** Links from imported metadata are shown only when they are plain web links (never `javascript:` and kin). */
function safeUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Greedy word wrap for the plain-text part; every line starts with `indent`. */
export function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

function footerText(baseUrl: string, email: string, manageUrl: string, unsubscribeUrl: string): string {
  return [
    '-- ',
    `You get this because ${email} subscribed to Paperboy at ${baseUrl}.`,
    `Change what you get: ${manageUrl}`,
    `Unsubscribe (one click): ${unsubscribeUrl}`,
  ].join('\n');
}

function footerHtml(baseUrl: string, email: string, manageUrl: string, unsubscribeUrl: string): SafeHtml {
  return html`<tr>
    <td style="padding:20px 28px 24px;border-top:1px solid #eee;font-size:12px;line-height:1.6;color:#777">
      You get this because ${email} subscribed to <a href="${baseUrl}" style="color:#777">Paperboy</a>.<br />
      <a href="${manageUrl}" style="color:#555">Change what you get</a> ·
      <a href="${unsubscribeUrl}" style="color:#555">Unsubscribe</a>
    </td>
  </tr>`;
}

function documentHtml(title: string, preheader: string, rows: SafeHtml): string {
  return html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>${title}</title>
      </head>
      <body style="margin:0;padding:0;background:#f4f4f1">
        <div style="display:none;max-height:0;overflow:hidden;opacity:0">${preheader}</div>
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f1">
          <tr>
            <td align="center" style="padding:24px 10px">
              <table
                role="presentation"
                width="100%"
                cellpadding="0"
                cellspacing="0"
                style="max-width:640px;background:#ffffff;border-radius:8px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#111"
              >
                ${rows}
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html> `.value;
}

/** The one message a pending address ever gets: the link that confirms it. */
export function renderConfirmation(input: {
  baseUrl: string;
  email: string;
  topics: Topic[];
  confirmUrl: string;
  validDays: number;
}): RenderedMail {
  const subject = 'Confirm your Paperboy subscription';
  const topics = input.topics.map(describeTopic);
  const text = [
    `Someone, hopefully you, asked Paperboy (${input.baseUrl}) to send email to ${input.email}:`,
    '',
    ...topics.map((t) => `  * ${t}`),
    '',
    'To confirm, open this link and press the button:',
    input.confirmUrl,
    '',
    `The link works for ${input.validDays} days. If you did not ask for this, ignore this message:`,
    'nothing else will be sent to this address.',
  ].join('\n');
  const page = documentHtml(
    subject,
    'Confirm your subscription to start receiving papers',
    html`<tr>
      <td style="padding:28px;font-size:15px;line-height:1.6">
        <h1 style="margin:0 0 12px;font-size:20px">Confirm your subscription</h1>
        <p style="margin:0 0 8px">
          Someone, hopefully you, asked <a href="${input.baseUrl}">Paperboy</a> to send email to
          <strong>${input.email}</strong>:
        </p>
        <ul style="margin:0 0 16px;padding-left:20px">
          ${topics.map((t) => html`<li>${t}</li>`)}
        </ul>
        <p style="margin:0 0 20px">
          <a
            href="${input.confirmUrl}"
            style="display:inline-block;background:#b45309;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600"
            >Confirm subscription</a
          >
        </p>
        <p style="margin:0;font-size:13px;color:#666">
          The link works for ${input.validDays} days. If you did not ask for this, ignore this message:
          nothing else will be sent to this address.
        </p>
      </td>
    </tr>`,
  );
  return { subject, text, html: page };
}

/** A fresh link to the preferences page, for someone whose old links expired or who lost them. */
export function renderManageLink(input: { baseUrl: string; email: string; manageUrl: string }): RenderedMail {
  const subject = 'Your Paperboy subscription';
  const text = [
    `Here is the link to change or stop the email Paperboy (${input.baseUrl}) sends to ${input.email}:`,
    '',
    input.manageUrl,
    '',
    'If you did not ask for it, ignore this message.',
  ].join('\n');
  const page = documentHtml(
    subject,
    'Change or stop the email you get',
    html`<tr>
      <td style="padding:28px;font-size:15px;line-height:1.6">
        <h1 style="margin:0 0 12px;font-size:20px">Your subscription</h1>
        <p style="margin:0 0 20px">
          Here is the link to change or stop the email <a href="${input.baseUrl}">Paperboy</a> sends to
          <strong>${input.email}</strong>.
        </p>
        <p style="margin:0 0 20px">
          <a
            href="${input.manageUrl}"
            style="display:inline-block;background:#b45309;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600"
            >Manage subscription</a
          >
        </p>
        <p style="margin:0;font-size:13px;color:#666">If you did not ask for it, ignore this message.</p>
      </td>
    </tr>`,
  );
  return { subject, text, html: page };
}

/** An account message whose point is one link: a heading, what it is for, the button, and a note. */
function renderLinkMail(input: {
  subject: string;
  preheader: string;
  heading: string;
  intro: string;
  button: string;
  url: string;
  note: string;
}): RenderedMail {
  const text = [input.intro, '', input.url, '', input.note].join('\n');
  const page = documentHtml(
    input.subject,
    input.preheader,
    html`<tr>
      <td style="padding:28px;font-size:15px;line-height:1.6">
        <h1 style="margin:0 0 12px;font-size:20px">${input.heading}</h1>
        <p style="margin:0 0 20px">${input.intro}</p>
        <p style="margin:0 0 20px">
          <a
            href="${input.url}"
            style="display:inline-block;background:#b45309;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600"
            >${input.button}</a
          >
        </p>
        <p style="margin:0;font-size:13px;color:#666">${input.note}</p>
      </td>
    </tr>`,
  );
  return { subject: input.subject, text, html: page };
}

function validFor(hours: number): string {
  return hours < 24 ? `${hours} hour${hours === 1 ? '' : 's'}` : `${Math.round(hours / 24)} days`;
}

/** The link that sets a new password; it works once, and only for a while. */
export function renderPasswordReset(input: {
  baseUrl: string;
  username: string;
  resetUrl: string;
  validHours: number;
}): RenderedMail {
  return renderLinkMail({
    subject: 'Reset your Paperboy password',
    preheader: 'Choose a new password',
    heading: 'Reset your password',
    intro: `Someone, hopefully you, asked to reset the password of the Paperboy account ${input.username} at ${input.baseUrl}. To choose a new password, open this link:`,
    button: 'Choose a new password',
    url: input.resetUrl,
    note: `The link works once, for ${validFor(input.validHours)}. If you did not ask for this, ignore this message: your password stays as it is.`,
  });
}

/** Sent to the new address: the change applies only when its link is followed. */
export function renderEmailChange(input: {
  baseUrl: string;
  username: string;
  email: string;
  confirmUrl: string;
  validHours: number;
}): RenderedMail {
  return renderLinkMail({
    subject: 'Confirm your new Paperboy email address',
    preheader: 'Confirm the address of your account',
    heading: 'Confirm your new address',
    intro: `The Paperboy account ${input.username} at ${input.baseUrl} asked to use ${input.email} from now on. To confirm, open this link and press the button:`,
    button: 'Confirm new address',
    url: input.confirmUrl,
    note: `The link works for ${validFor(input.validHours)}. If you did not ask for this, ignore this message: nothing changes.`,
  });
}
