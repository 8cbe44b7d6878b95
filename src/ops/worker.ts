import { Worker } from 'node:worker_threads';

// Compiled code (dist/) runs a worker's JavaScript. From the sources (tsx, vitest) the worker is
// TypeScript, which a worker thread can only load after registering tsx's loader itself.
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * Starts the worker module `base` names without its extension (`new URL('./parse-worker', import.meta.url)`),
 * from dist/ or from the sources alike.
 */
export function startWorker(base: URL, workerData: unknown): Worker {
  if (!FROM_SOURCE) return new Worker(new URL(`${base.href}.js`), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = `${base.href}.ts`;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
