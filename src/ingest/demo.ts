import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

// Placeholder until the importers land.
export async function loadDemoIfEmpty(_store: Store, _logger: Logger): Promise<void> {}
