import { Hono } from 'hono';
import type { AppDeps } from '../app.js';

// Placeholder until the Hugging Face-compatible API lands.
export function apiRoutes(_deps: AppDeps): Hono {
  return new Hono();
}
