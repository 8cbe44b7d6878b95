import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'], { message: 'must be 0/1, true/false or yes/no' })
  .transform((v) => ['1', 'true', 'yes'].includes(v));

const ConfigSchema = z.object({
  PORT: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PAPERBOY_DB: z.string().min(1).default('./data/paperboy.db'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, {
      message: 'must be a postgres:// or postgresql:// URL (leave it unset to use SQLite at PAPERBOY_DB)',
    })
    .optional(),
  PAPERBOY_DEMO: flag.default(true),
  PAPERBOY_BASE_URL: z
    .url({ message: 'must be an absolute URL such as https://papers.example.org' })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PAPERBOY_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  // --- harvest
  ARXIV_API_URL: z.url({ message: 'must be an absolute URL' }).default('https://export.arxiv.org/api/query'),
  ARXIV_OAI_URL: z.url({ message: 'must be an absolute URL' }).default('https://oaipmh.arxiv.org/oai'),
  ARXIV_REQUEST_DELAY_MS: z.coerce.number({ message: 'must be a number' }).int().min(0).default(3000),
  PAPERBOY_HARVEST_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a UTC time of day HH:MM, e.g. 06:00' })
    .optional(),
  PAPERBOY_HARVEST_SET: z
    .string()
    .regex(/^[A-Za-z0-9:._-]+$/, { message: 'must be an OAI-PMH set spec such as cs or physics:hep-th' })
    .optional(),
  // --- mail
  SMTP_URL: z
    .url({
      protocol: /^smtps?$/,
      message: 'must be an smtp:// or smtps:// URL such as smtp://user:pass@host:587',
    })
    .optional(),
  PAPERBOY_OUTBOX: z.string().min(1).default('./data/outbox'),
  PAPERBOY_MAIL_FROM: z.string().min(3).optional(),
  PAPERBOY_MAIL_RATE: z.coerce.number({ message: 'must be a number' }).min(0).max(10_000).default(10),
  PAPERBOY_DIGEST_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a UTC time of day HH:MM, e.g. 07:00' })
    .optional(),
  PAPERBOY_TRUSTED_PROXIES: z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(0, { message: 'must be 0 or more' })
    .max(10, { message: 'must be at most 10' })
    .default(0),
  PAPERBOY_DIGEST_TICK_MS: z.coerce
    .number({ message: 'must be a number' })
    .int()
    .min(100, { message: 'must be at least 100' })
    .default(60_000),
});

export interface Config {
  port: number;
  host: string;
  databasePath: string;
  /** PostgreSQL connection URL; null: SQLite at databasePath. */
  databaseUrl: string | null;
  loadDemo: boolean;
  /** Public URL of this instance, used in links that leave the site (feeds, email). */
  baseUrl: string;
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
  /** Signs tokens (email links, CSRF). From PAPERBOY_SECRET, else generated once and kept beside the database. */
  secret: string;
  /**
   * Reverse proxies in front of Paperboy that append the address they received from to X-Forwarded-For;
   * per-address rate limits take the client's address from there (see clientIp). 0: the socket's address.
   */
  trustedProxies: number;
  mail: MailConfig;
  arxiv: ArxivConfig;
}

export interface ArxivConfig {
  /** arXiv's query API, for look-ups by id (`paperboy add`, /submit). */
  apiUrl: string;
  /** arXiv's OAI-PMH endpoint, for harvesting. */
  oaiUrl: string;
  /** Pause between two requests to arXiv; arXiv asks for 3 s. */
  requestDelayMs: number;
  /** UTC time of day (HH:MM) at which `serve` harvests; null: no schedule. */
  harvestAt: string | null;
  /** OAI-PMH set the scheduled harvest asks for (`cs`); null harvests every set. */
  harvestSet: string | null;
}

export interface MailConfig {
  /** SMTP server to send through; null writes every message as an .eml file into `outboxDir` instead. */
  smtpUrl: string | null;
  outboxDir: string;
  /** The From header, e.g. `Paperboy <paperboy@papers.example.org>`. */
  from: string;
  /** At most this many messages per second; 0 means no limit. */
  ratePerSecond: number;
  /** UTC time of day (HH:MM) at which `serve` sends the digests that are due; null: no schedule. */
  digestAt: string | null;
  /**
   * How often the schedule looks for due digests, and so how soon after a node died another one carries on
   * with the issue it was sending.
   */
  digestTickMs: number;
}

export class ConfigError extends Error {}

/** Reads configuration from the environment; throws one ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty variables count as unset, as they do in most shells' `VAR= command`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  if (c.DATABASE_URL && !c.PAPERBOY_SECRET) {
    // A secret generated per machine would make each node reject the others' forms and mail links.
    throw new ConfigError(
      'Invalid configuration: PAPERBOY_SECRET must be set with DATABASE_URL, the same on every node ' +
        '(32+ characters, e.g. from `openssl rand -hex 32`)',
    );
  }
  return {
    port: c.PORT,
    host: c.HOST,
    databasePath: c.PAPERBOY_DB,
    databaseUrl: c.DATABASE_URL ?? null,
    loadDemo: c.PAPERBOY_DEMO,
    baseUrl: (c.PAPERBOY_BASE_URL ?? `http://${c.HOST}:${c.PORT}`).replace(/\/+$/, ''),
    logLevel: c.LOG_LEVEL,
    secret: c.PAPERBOY_SECRET ?? instanceSecret(c.PAPERBOY_DB),
    trustedProxies: c.PAPERBOY_TRUSTED_PROXIES,
    mail: {
      smtpUrl: c.SMTP_URL ?? null,
      outboxDir: c.PAPERBOY_OUTBOX,
      from:
        c.PAPERBOY_MAIL_FROM ??
        `Paperboy <paperboy@${mailDomain(c.PAPERBOY_BASE_URL ?? `http://${c.HOST}`)}>`,
      ratePerSecond: c.PAPERBOY_MAIL_RATE,
      digestAt: c.PAPERBOY_DIGEST_AT ?? null,
      digestTickMs: c.PAPERBOY_DIGEST_TICK_MS,
    },
    arxiv: {
      apiUrl: c.ARXIV_API_URL,
      oaiUrl: c.ARXIV_OAI_URL,
      requestDelayMs: c.ARXIV_REQUEST_DELAY_MS,
      harvestAt: c.PAPERBOY_HARVEST_AT ?? null,
      harvestSet: c.PAPERBOY_HARVEST_SET ?? null,
    },
  };
}

/**
 * The secret of an instance without PAPERBOY_SECRET: generated on first start and kept in a file beside the
 * database (mode 0600), so that links in mail already sent keep working after a restart.
 */
function instanceSecret(databasePath: string): string {
  if (databasePath === ':memory:') return randomBytes(32).toString('base64url');
  const file = join(dirname(databasePath), 'secret');
  const draft = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(draft, randomBytes(32).toString('base64url'), { mode: 0o600 });
    // link() publishes the complete file or fails if one exists, so processes starting together agree on one.
    linkSync(draft, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ConfigError(`Invalid configuration: cannot create the secret file ${file}: ${String(err)}`);
    }
  } finally {
    rmSync(draft, { force: true });
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32)
    throw new ConfigError(`Invalid configuration: the secret file ${file} is too short`);
  return secret;
}

/** A domain for the default From address; an IP address or `localhost` is not one mail servers accept. */
function mailDomain(url: string): string {
  const host = new URL(url).hostname;
  return /[a-z]/i.test(host) && host.includes('.') ? host : 'localhost.localdomain';
}
