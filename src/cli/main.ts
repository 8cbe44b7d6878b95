import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { registerAdd } from './add.js';
import { registerDigest } from './digest.js';
import { registerExport } from './export.js';
import { registerHarvest } from './harvest.js';
import { registerImport } from './import.js';
import { registerMigrate } from './migrate.js';
import { registerServe } from './serve.js';
import { registerUser } from './user.js';

/** Errors a person can act on: printed as one line, never as a stack trace. */
export class UsageError extends Error {}

// Two levels up is the package root both from src/cli (tsx) and from dist/cli (built).
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Every command with its help; `main` runs it, tests inspect it. */
export function createProgram(): Command {
  const program = new Command('paperboy')
    .description('A self-hostable hub for research papers: daily feeds, search, trending and digests.')
    .version(version, '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride();
  registerServe(program);
  registerImport(program);
  registerExport(program);
  registerMigrate(program);
  registerAdd(program);
  registerHarvest(program);
  registerDigest(program);
  registerUser(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof ConfigError || err instanceof UsageError) {
      console.error(`paperboy: ${err.message}`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}
