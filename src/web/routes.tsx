import { Hono } from 'hono';
import type { AppDeps } from '../app.js';

// Placeholder until the pages land.
export function webRoutes(_deps: AppDeps): Hono {
  return new Hono();
}
