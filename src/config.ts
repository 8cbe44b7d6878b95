import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'], { message: 'must be 0/1, true/false or yes/no' })
  .transform((v) => ['1', 'true', 'yes'].includes(v));

const ConfigSchema = z.object({
  PORT: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PAPERBOY_DB: z.string().min(1).default('./data/paperboy.db'),
  PAPERBOY_DEMO: flag.default(true),
  PAPERBOY_BASE_URL: z
    .url({ message: 'must be an absolute URL such as https://papers.example.org' })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  databasePath: string;
  loadDemo: boolean;
  /** Public URL of this instance, used in links that leave the site (feeds, email). */
  baseUrl: string;
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
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
  return {
    port: c.PORT,
    host: c.HOST,
    databasePath: c.PAPERBOY_DB,
    loadDemo: c.PAPERBOY_DEMO,
    baseUrl: (c.PAPERBOY_BASE_URL ?? `http://${c.HOST}:${c.PORT}`).replace(/\/+$/, ''),
    logLevel: c.LOG_LEVEL,
  };
}
