import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { lookupArxivPapers } from '../ingest/arxiv-api.js';
import { createLogger } from '../log.js';
import { openStore } from '../store/open.js';

export function registerAdd(program: Command): void {
  program
    .command('add')
    .description(
      'Add papers from arXiv by id (2503.11731, astro-ph/0601001, 2104.12255v1, or an abs/PDF URL), looked up ' +
        'on the arXiv API (ARXIV_API_URL). New papers go on today’s feed; known ones are updated.',
    )
    .argument('<ids...>', 'arXiv ids or URLs')
    .action(async (ids: string[]) => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const { papers, failures } = await lookupArxivPapers(ids, {
        apiUrl: config.arxiv.apiUrl,
        delayMs: config.arxiv.requestDelayMs,
        logger,
      });
      const store = openStore(config);
      try {
        const known = await store.paperRevisions(papers.map((p) => p.id));
        const result = await store.upsertPapers(papers);
        for (const paper of papers) {
          const version = paper.version === null ? '' : `v${paper.version}`;
          console.log(`${known.has(paper.id) ? 'known' : 'added'}  ${paper.id}${version}  ${paper.title}`);
        }
        for (const failure of failures) console.error(`paperboy: ${failure.message}`);
        console.log(
          `${result.inserted} added, ${result.updated} updated, ${result.unchanged} unchanged` +
            (failures.length > 0 ? `, ${failures.length} failed` : '') +
            '.',
        );
        if (failures.length > 0) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}
