import type { Config } from '../config.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** Opens the store the configuration names (SQLite today; the adapter is chosen here only). */
export function openStore(config: Pick<Config, 'databasePath'>): Store {
  return new SqliteStore(config.databasePath);
}
