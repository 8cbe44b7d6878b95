/**
 * The subscribe and preferences forms: what a person typed, turned into an address and topics, with a
 * message for every field that cannot be used. Pure; the routes render the messages next to the form.
 */
import { z } from 'zod';
import {
  categoryTopic,
  MAX_ALERT_QUERY_LENGTH,
  MAX_TOPICS,
  normaliseTopics,
  searchTopic,
  type Topic,
} from './topics.js';

/** Field values as the form posted them, kept to show the form again with what was typed. */
export interface TopicFields {
  daily: boolean;
  weekly: boolean;
  /** Categories separated by spaces or commas: `cs.CL cs.LG`. */
  categories: string;
  /** One saved search per line. */
  alerts: string;
}

export interface SubscribeFields extends TopicFields {
  email: string;
}

export type FormBody = Record<string, string | File | (string | File)[]>;

const EmailSchema = z.email({ message: 'Enter an email address such as ada@example.org.' }).max(254, {
  message: 'That address is too long.',
});

function field(body: FormBody, name: string): string {
  const value = body[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

function checked(body: FormBody, name: string): boolean {
  return ['1', 'on', 'true', 'yes'].includes(field(body, name));
}

export function topicFields(body: FormBody): TopicFields {
  return {
    daily: checked(body, 'daily'),
    weekly: checked(body, 'weekly'),
    categories: field(body, 'categories').slice(0, 2_000),
    alerts: field(body, 'alerts').slice(0, 5_000),
  };
}

export function subscribeFields(body: FormBody): SubscribeFields {
  return { email: field(body, 'email').trim().slice(0, 500), ...topicFields(body) };
}

/** Lower-cased and trimmed; null when it is not an address. */
export function normaliseEmail(input: string): string | null {
  const email = input.trim().toLowerCase();
  return EmailSchema.safeParse(email).success ? email : null;
}

export interface ParsedTopics {
  topics: Topic[];
  errors: string[];
}

/**
 * @param defaultToDaily a form that names nothing (the short form on the feed) asks for the daily digest
 */
export function parseTopicFields(fields: TopicFields, defaultToDaily: boolean): ParsedTopics {
  const topics: Topic[] = [];
  const errors: string[] = [];
  if (fields.daily) topics.push({ type: 'daily' });
  if (fields.weekly) topics.push({ type: 'weekly' });
  for (const name of fields.categories.split(/[\s,;]+/).filter(Boolean)) {
    const topic = categoryTopic(name);
    if (topic) topics.push(topic);
    else errors.push(`“${name.slice(0, 40)}” is not a category name such as cs.CL or math.AP.`);
  }
  for (const line of fields.alerts
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)) {
    const topic = searchTopic(line);
    if (topic) topics.push(topic);
    else if (line.length > MAX_ALERT_QUERY_LENGTH) {
      errors.push(`A saved search can be at most ${MAX_ALERT_QUERY_LENGTH} characters long.`);
    } else errors.push(`“${line.slice(0, 60)}” has no words to search for.`);
  }
  const unique = normaliseTopics(topics);
  if (unique.length > MAX_TOPICS) errors.push(`Choose at most ${MAX_TOPICS} topics.`);
  if (unique.length === 0 && errors.length === 0) {
    if (defaultToDaily) return { topics: [{ type: 'daily' }], errors };
    errors.push('Choose at least one digest, category or saved search — or unsubscribe below.');
  }
  return { topics: unique, errors };
}

/** The fields that show a subscriber's current topics in the preferences form. */
export function fieldsOf(topics: Topic[]): TopicFields {
  return {
    daily: topics.some((t) => t.type === 'daily'),
    weekly: topics.some((t) => t.type === 'weekly'),
    categories: topics.flatMap((t) => (t.type === 'category' ? [t.category] : [])).join(' '),
    alerts: topics.flatMap((t) => (t.type === 'search' ? [t.query] : [])).join('\n'),
  };
}
