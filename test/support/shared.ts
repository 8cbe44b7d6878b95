import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The read-only data folder that sits beside the repository (`../shared`), both in a developer's
 * checkout and in CI's clone. The product never reads it; tests and benchmarks do.
 */
export const SHARED_DIR = resolve(import.meta.dirname, '../../../shared');

export function sharedPath(...parts: string[]): string {
  const path = resolve(SHARED_DIR, ...parts);
  if (!existsSync(path))
    throw new Error(`test data missing: ${path} (expected ../shared beside the repository)`);
  return path;
}
