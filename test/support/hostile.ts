/**
 * What the hostile-input, crash and load suites share: real papers from ../shared, hostile strings as
 * fast-check arbitraries, and a whole Paperboy app on a temp database with every outside service
 * (arXiv, mail) pointed at 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { Hono } from 'hono';
import { createApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { fromArxivListing } from '../../src/ingest/formats/arxiv-listing.js';
import { createLogger } from '../../src/log.js';
import type { PaperInput } from '../../src/model/paper.js';
import type { Store } from '../../src/store/store.js';
import { sharedPath } from './shared.js';
import { createTestDatabase } from './test-store.js';

/** The raw lines of the real arXiv listing (74,728 papers), read once per process. */
let listingLines: string[] | null = null;

export function arxivListingLines(): string[] {
  listingLines ??= gunzipSync(readFileSync(sharedPath('corpus', 'arxiv-listings-2025-2026.jsonl.gz')))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return listingLines;
}

/** `count` real papers, every `stride`-th line of the listing so that days and categories vary. */
export function realPapers(count: number, stride = 37): PaperInput[] {
  const lines = arxivListingLines();
  const papers: PaperInput[] = [];
  for (let i = 0; papers.length < count && i * stride < lines.length; i++) {
    papers.push(fromArxivListing(JSON.parse(lines[i * stride] ?? '')));
  }
  return papers;
}

/** Marked payloads: if one comes back unescaped in HTML, the `pbxss` marker is live markup. */
export const XSS_PAYLOADS = [
  '<script>pbxss(1)</script>',
  '"><svg onload=pbxss(2)>',
  "'><img src=x onerror=pbxss(3)>",
  '" autofocus onfocus="pbxss(4)',
  'javascript:pbxss(5)',
  '</textarea></title><script>pbxss(6)</script>',
  '<a href="javascript:pbxss(7)">x</a>',
];

/**
 * Live markup built from one of XSS_PAYLOADS: its own tag, event handler or javascript: URL, unescaped. The
 * marker inside an escaped attribute or text (`&lt;svg onload=pbxss`, `href="/login?next=%3Cscript…`) is inert.
 */
export function reflectedPayload(html: string): string | null {
  const live = [
    /<script>pbxss/i,
    /<svg onload=pbxss/i,
    /<img src=x onerror=pbxss/i,
    /\sonfocus="pbxss/i,
    /\s(?:href|src|action|formaction)="javascript:pbxss/i,
  ];
  for (const pattern of live) {
    const match = pattern.exec(html);
    if (match) return html.slice(Math.max(0, match.index - 80), match.index + match[0].length + 40);
  }
  return null;
}

export const SQL_PAYLOADS = [
  "' OR '1'='1",
  "'; DROP TABLE papers; --",
  '" OR 1=1 --',
  ') UNION SELECT * FROM users --',
  '1; SELECT sqlite_version()',
  "x') OR ('a'='a",
];

/** FTS5's own syntax, which must never reach the engine as syntax. */
export const FTS_PAYLOADS = [
  'NEAR(a b, 3)',
  'title:diffusion',
  '{title abstract}: model',
  '^start',
  'a AND OR NOT b',
  '*',
  '"',
  '"""',
  '-',
  '+',
  '-*',
  '"unclosed phrase',
  '(((',
  ')))',
  'a NOT',
  'rank MATCH',
  'papers_fts',
  '""*',
];

export const ODD_NUMBERS = [
  '-1',
  '0',
  '-0',
  'NaN',
  'Infinity',
  '1e309',
  '1e3',
  '0x10',
  '99999999999999999999',
  '2147483648',
  '1.5',
  ' 1',
  '+1',
  '١٢',
];

export const PATH_PAYLOADS = [
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e/%2e%2e/etc/passwd',
  '....//....//etc/passwd',
  '..\\..\\windows\\win.ini',
  '/etc/passwd',
  'file:///etc/passwd',
  '%00',
  '\u0000',
];

const CONTROL = fc.integer({ min: 0, max: 31 }).map((n) => String.fromCharCode(n));

/** A string meant to break things: any code unit (lone surrogates too), control characters, payloads. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: CONTROL, maxLength: 10 }) },
  { weight: 3, arbitrary: fc.constantFrom(...XSS_PAYLOADS, ...SQL_PAYLOADS, ...FTS_PAYLOADS) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_NUMBERS, ...PATH_PAYLOADS) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom(...XSS_PAYLOADS, ...SQL_PAYLOADS, ...FTS_PAYLOADS, 'diffusion', 'model'), {
        maxLength: 6,
      })
      .map((parts) => parts.join(' ')),
  },
);

/** A big input: long runs of one word, of one letter, of punctuation. */
export const hugeString: fc.Arbitrary<string> = fc
  .record({
    unit: fc.constantFrom('diffusion ', 'a', '"', '-', '*', '(', '%FF', 'é', '\u0301', '😀', '<b>'),
    size: fc.integer({ min: 10_000, max: 1_000_000 }),
  })
  .map(({ unit, size }) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size));

export interface HostileApp {
  app: Hono;
  store: Store;
  config: Config;
  dir: string;
  close(): Promise<void>;
}

/**
 * The whole app on a temp database. `env` adds configuration (e.g. ARXIV_API_URL of a replay server);
 * mail goes to an outbox folder in the temp folder, never into the repository.
 */
export async function createHostileApp(env: Record<string, string> = {}): Promise<HostileApp> {
  const database = await createTestDatabase();
  const dir = database.dir;
  const config = loadConfig({
    ...database.env,
    PAPERBOY_DEMO: '0',
    PAPERBOY_OUTBOX: path.join(dir, 'outbox'),
    PAPERBOY_SECRET: 'a-test-secret-that-is-long-enough-for-paperboy',
    ARXIV_REQUEST_DELAY_MS: '0',
    // No outside service is ever reached: anything not given points at a closed port.
    ARXIV_API_URL: 'http://127.0.0.1:9/api/query',
    ARXIV_OAI_URL: 'http://127.0.0.1:9/oai',
    ...env,
  });
  const { store } = database;
  const app = createApp({ store, config, logger: createLogger('silent') });
  return { app, store, config, dir, close: database.close };
}
