/**
 * `paperboy serve` as a real child process (the built CLI) on a port the OS picks, for the crash and load
 * suites and the page benchmarks: its URL once it listens, its exit, and a way to kill it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { ensureBuilt } from './smtp-cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServeChild {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn until the server printed its URL. */
  startupMs: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startServeChild(
  env: Record<string, string>,
  options: { nodeArgs?: string[] } = {},
): Promise<ServeChild> {
  ensureBuilt();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), path.join(ROOT, 'bin/paperboy.js'), 'serve'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        PAPERBOY_DEMO: '0',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((ready, fail) => {
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /running at (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) ready(match[1]);
    });
    void exited.then(({ code, signal }) =>
      fail(new Error(`serve exited (${code ?? signal}) before listening: ${stderr}`)),
    );
  });
  return {
    url,
    child,
    startupMs: performance.now() - started,
    exited,
    stderr: () => stderr,
    kill: (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
