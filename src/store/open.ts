import type { Config } from '../config.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/**
 * Opens the store the configuration names: PostgreSQL when DATABASE_URL is set, else SQLite at
 * PAPERBOY_DB. Both bring their schema up to date on opening (PostgreSQL in the background: its first
 * query waits for the migrations and reports their failure). The adapter is chosen here only.
 */
export function openStore(config: Pick<Config, 'databasePath' | 'databaseUrl'>): Store {
  return config.databaseUrl ? new PostgresStore(config.databaseUrl) : new SqliteStore(config.databasePath);
}
