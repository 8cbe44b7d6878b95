import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { registerImport } from './import.js';
import { registerServe } from './serve.js';

/** Errors a person can act on: printed as one line, never as a stack trace. */
export class UsageError extends Error {}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('paperboy')
    .description('A self-hostable hub for research papers: daily feeds, search, trending and digests.')
    .showHelpAfterError()
    .exitOverride();
  registerServe(program);
  registerImport(program);
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
