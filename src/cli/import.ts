import type { Command } from 'commander';

// Placeholder until the importers land.
export function registerImport(_program: Command): void {}
