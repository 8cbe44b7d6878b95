import { z } from 'zod';
import { parseArxivId } from '../../model/arxiv-id.js';
import type { PaperInput } from '../../model/paper.js';
import { collapseWhitespace } from '../text.js';

/** One record of an input file: the paper it describes, or why it was skipped. */
export type ParsedRecord = { line: number; paper: PaperInput } | { line: number; error: string };

/** A record that cannot be imported; the message says why, for a person to fix the input. */
export class RecordError extends Error {}

/** Validates one decoded record against its schema, turning every problem into a one-line RecordError. */
export function parseRecord<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  // Most records are valid: check them on zod's fast path, and explain only the failures.
  const valid = schema.safeParse(value);
  if (valid.success) return valid.data;
  const result = schema.safeParse(value, {
    error: (issue) => {
      const path = issue.path?.join('.') ?? '';
      if (path === '') return 'expected a JSON object';
      return issue.input === undefined || issue.input === null ? `missing ${path}` : undefined;
    },
  });
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) => {
    // Messages that name their field ("no title", "missing paper.id") need no path in front.
    const field = issue.path.at(-1);
    return field === undefined || issue.message.includes(String(field))
      ? issue.message
      : `${issue.path.join('.')}: ${issue.message}`;
  });
  throw new RecordError([...new Set(messages)].slice(0, 3).join('; '));
}

/** A value quoted in a message, cut short: a person needs to recognise it, not to read a megabyte of it. */
function quoted(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

export const arxivIdField = z.string({ error: 'missing id' }).transform((text, ctx) => {
  const parsed = parseArxivId(text);
  if (!parsed) {
    ctx.addIssue({ code: 'custom', message: `malformed arXiv id ${quoted(text)}` });
    return z.NEVER;
  }
  return parsed;
});

export const titleField = z
  .string({ error: 'no title' })
  .transform(collapseWhitespace)
  .refine((title) => title !== '', 'no title');

/** A calendar day, YYYY-MM-DD, that exists. */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

export const dayField = z.string().refine(isCalendarDay, 'expected a date YYYY-MM-DD');

/** Any date-time JavaScript reads (ISO-8601, or the RFC 2822 dates of the arXiv snapshot), as ISO-8601 UTC. */
export const timestampField = z.string().transform((text, ctx) => {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) {
    ctx.addIssue({ code: 'custom', message: `unreadable date ${quoted(text)}` });
    return z.NEVER;
  }
  return time.toISOString();
});

/** Free text on one line, or null when there is none. */
export function textOrNull(text: string | null | undefined): string | null {
  return (text && collapseWhitespace(text)) || null;
}

export const optionalText = z.string().nullish().transform(textOrNull);

export const nameList = z
  .array(z.string())
  .nullish()
  .transform((names) => (names ?? []).map(collapseWhitespace).filter((name) => name !== ''));
