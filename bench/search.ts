/**
 * Search benchmark: latency of Store.search (parseQuery → relevance/date/upvote order, filters,
 * highlighted page of 20) over the 74,728-paper arXiv listings corpus, for a fixed mix of 190
 * ordinary queries (common words, topics, questions, phrases, prefixes, exclusions, filters) and,
 * measured apart, 10 pasted abstracts of about 250 words.
 *
 *   npx tsx bench/search.ts [--db FILE]   (--db: a database that already holds the corpus; skips the import)
 *
 * Prints one JSON object. `cold` is the first pass (nothing cached), `warm` a second pass of the same mix.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { importFiles } from '../src/ingest/import.js';
import { mean, percentile } from '../src/search/metrics.js';
import { parseQuery } from '../src/search/query.js';
import type { SearchFilters, SearchSort } from '../src/store/store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { sharedPath } from '../test/support/shared.js';

interface BenchQuery {
  kind: string;
  q: string;
  filters?: SearchFilters;
  sort?: SearchSort;
}

const words = (kind: string, list: string[]): BenchQuery[] => list.map((q) => ({ kind, q }));

/** The fixed mix of ordinary queries. */
export const SEARCH_MIX: BenchQuery[] = [
  ...words('common word', [
    'learning',
    'model',
    'models',
    'the',
    'data',
    'network',
    'neural',
    'language',
    'image',
    'training',
    'transformer',
    'diffusion',
    'reinforcement',
    'graph',
    'attention',
    'generation',
    'benchmark',
    'robot',
    'agent',
    'video',
  ]),
  ...words('topic', [
    'masked diffusion',
    'large language models',
    'vision transformer',
    'graph neural networks',
    'reinforcement learning',
    'object detection',
    'speech recognition',
    'machine translation',
    'knowledge distillation',
    'federated learning',
    'contrastive learning',
    'retrieval augmented generation',
    'chain of thought reasoning',
    'mixture of experts',
    'neural radiance fields',
    'gaussian splatting',
    'point cloud segmentation',
    'text to image',
    'in-context learning',
    'instruction tuning',
    'reward model',
    'protein structure prediction',
    'medical image segmentation',
    'autonomous driving',
    'code generation',
    'multimodal large language model',
    'hallucination detection',
    'adversarial robustness',
    'time series forecasting',
    'anomaly detection',
    'sparse attention',
    'state space models',
    'low rank adaptation',
    'quantization of large language models',
    'video generation',
    '3d reconstruction',
    'semantic segmentation',
    'question answering',
    'sentiment analysis',
    'named entity recognition',
    'visual question answering',
    'image captioning',
    'diffusion policy',
    'world model',
    'tool use agents',
    'speculative decoding',
    'kv cache compression',
    'model merging',
    'direct preference optimization',
    'self-attention',
  ]),
  ...words('question', [
    'how do large language models perform arithmetic reasoning',
    'what is the best way to fine-tune a vision transformer on small datasets',
    'can diffusion models generate realistic medical images',
    'why do neural networks generalize despite overparameterization',
    'methods for reducing hallucinations in multimodal models',
    'efficient attention mechanism for long context transformers',
    'reinforcement learning from human feedback for aligning language models',
    'we propose a novel method for image generation using diffusion models with improved sampling efficiency',
    'learning robot manipulation policies from human videos',
    'evaluating the safety of large language model agents',
    'how to compress large language models for mobile devices',
    'benchmark for mathematical reasoning of language models',
    'self-supervised learning of visual representations without labels',
    'graph neural networks for molecular property prediction',
    'what are the limits of scaling laws for language models',
    'detecting machine generated text',
    'using language models to write and debug code',
    'privacy attacks on federated learning systems',
    'uncertainty estimation in deep neural networks',
    'continual learning without catastrophic forgetting',
    'how can agents use tools and web browsers to solve tasks',
    'data augmentation strategies for low resource languages',
    'explainability methods for transformer attention',
    'training data attribution for generative models',
    'open vocabulary object detection with vision language models',
    'long video understanding with multimodal language models',
    'energy efficient training of deep learning models on GPUs',
    'the role of tokenization in multilingual language models',
    'zero shot classification with CLIP',
    'sim to real transfer for legged robots',
    'how well do language models understand causality',
    'a survey of retrieval augmented generation techniques',
    'text to speech synthesis with neural codec language models',
    'fairness and bias in face recognition systems',
    'estimating depth from a single image',
    'test time scaling of reasoning models',
    'mechanistic interpretability of transformer circuits',
    'diffusion models for 3d shape generation',
    'multi agent reinforcement learning for cooperative tasks',
    'watermarking the outputs of generative models',
  ]),
  ...words('phrase', [
    '"masked diffusion"',
    '"language model"',
    '"reinforcement learning from human feedback"',
    '"neural radiance field"',
    '"graph neural network"',
    '"in-context learning"',
    '"vision transformer"',
    '"mixture of experts"',
    '"chain of thought"',
    '"diffusion model" sampling',
    '"large language models" safety',
    '"knowledge graph"',
    '"point cloud"',
    '"state space model"',
    '"world model" robot',
    '"zero-shot"',
    '"contrastive learning" graph',
    '"text-to-image" editing',
    '"unterminated phrase',
    '"the"',
  ]),
  ...words('prefix', [
    'diffus*',
    'transform*',
    'segment*',
    'token*',
    'robot*',
    'quantiz*',
    'retriev*',
    'halluc*',
    'multimod*',
    'distill*',
  ]),
  ...words('exclusion', [
    'diffusion -image',
    'transformer -vision',
    'reinforcement learning -robot',
    'language model -survey',
    'segmentation -medical',
    'agents -"reinforcement learning"',
    'graph -neural',
    'detection -object',
    'generation -text -image',
    'attention -transformer',
    'model -language',
    'learning -deep',
    'video -generation',
    'robot -simulation',
    'benchmark -llm',
  ]),
  ...[
    ['learning', { category: 'cs.LG' }, 'relevance'],
    ['model', { category: 'cs.CV' }, 'relevance'],
    ['diffusion', { category: 'cs.CV' }, 'relevance'],
    ['large language models', { category: 'cs.CL' }, 'relevance'],
    ['reinforcement learning', { category: 'cs.AI' }, 'relevance'],
    ['graph neural networks', { category: 'cs.LG' }, 'relevance'],
    ['segmentation', { category: 'cs.CV' }, 'newest'],
    ['language', { category: 'cs.CL' }, 'newest'],
    ['robot', { category: 'cs.RO' }, 'relevance'],
    ['agents', { category: 'cs.AI' }, 'upvotes'],
    ['learning', { from: '2025-06-01', to: '2025-06-30' }, 'relevance'],
    ['model', { from: '2025-01-01', to: '2025-12-31' }, 'relevance'],
    ['transformer', { from: '2025-09-01' }, 'relevance'],
    ['masked diffusion', { from: '2025-03-01', to: '2025-08-31' }, 'relevance'],
    ['reasoning', { to: '2025-05-31' }, 'relevance'],
    ['diffusion', { hasCode: true }, 'relevance'],
    ['model', { hasCode: true }, 'relevance'],
    ['large language models', { hasCode: true }, 'relevance'],
    ['benchmark', { hasCode: true }, 'newest'],
    ['gaussian splatting', { hasCode: true }, 'relevance'],
    ['learning', {}, 'newest'],
    ['model', {}, 'newest'],
    ['the', {}, 'newest'],
    ['language models', {}, 'upvotes'],
    ['diffusion', {}, 'upvotes'],
    ['learning', { category: 'cs.LG', from: '2025-01-01', hasCode: true }, 'relevance'],
    ['model', { category: 'cs.CV', from: '2025-06-01' }, 'newest'],
    ['vision language models', { category: 'cs.CV', hasCode: true }, 'relevance'],
    ['speech', { category: 'cs.SD' }, 'relevance'],
    ['quantum', { category: 'quant-ph' }, 'relevance'],
    ['attention', { category: 'cs.CL', to: '2025-12-31' }, 'upvotes'],
    ['data', { category: 'cs.LG' }, 'newest'],
    ['agent', { from: '2026-01-01' }, 'relevance'],
    ['retrieval', { category: 'cs.IR' }, 'relevance'],
    ['the', { category: 'cs.CV' }, 'relevance'],
  ].map(([q, filters, sort]) => ({ kind: 'filtered', q, filters, sort }) as BenchQuery),
];

const PASTED_WORDS = 250;
const PASTED_ABSTRACTS = 10;

export interface LatencySummary {
  queries: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

export interface SearchBenchResult {
  papers: number;
  cold: {
    ordinary: LatencySummary;
    pastedAbstract: LatencySummary;
    cpu: { ordinary: LatencySummary; pastedAbstract: LatencySummary };
    slowest: { q: string; ms: number }[];
  };
  warm: { ordinary: LatencySummary; pastedAbstract: LatencySummary };
  byKind: Record<string, LatencySummary>;
  loadAverage: number;
}

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

export function summarize(samples: number[]): LatencySummary {
  return {
    queries: samples.length,
    p50: round(percentile(samples, 50)),
    p99: round(percentile(samples, 99)),
    mean: round(mean(samples)),
    max: round(Math.max(0, ...samples)),
  };
}

/** Ten long abstracts of the corpus, cut to 250 words as someone pasting one would bring. */
function pastedAbstracts(store: SqliteStore): string[] {
  const abstracts = store.db
    .prepare(`SELECT abstract FROM papers WHERE length(abstract) > 1700 ORDER BY id`)
    .pluck()
    .all() as string[];
  const step = Math.max(1, Math.floor(abstracts.length / PASTED_ABSTRACTS));
  return Array.from({ length: PASTED_ABSTRACTS }, (_, i) => abstracts[i * step] ?? '')
    .filter(Boolean)
    .map((text) => text.split(/\s+/).slice(0, PASTED_WORDS).join(' '));
}

interface Timing {
  ms: number;
  /** CPU time of this process: on a machine shared with other work it shows what waiting for a core hid. */
  cpuMs: number;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function timeQuery(store: SqliteStore, query: BenchQuery): Promise<Timing> {
  const started = performance.now();
  const cpuStarted = cpuMs();
  await store.search({
    query: parseQuery(query.q),
    filters: query.filters ?? {},
    sort: query.sort ?? 'relevance',
    offset: 0,
    limit: 20,
  });
  return { ms: performance.now() - started, cpuMs: cpuMs() - cpuStarted };
}

/** Runs the mix on a store that holds the corpus. */
export async function runSearchBenchOn(store: SqliteStore): Promise<SearchBenchResult> {
  const pasted = pastedAbstracts(store).map((q) => ({ kind: 'pasted abstract', q }));
  const passes = [];
  for (let pass = 0; pass < 2; pass++) {
    const ordinary: ({ query: BenchQuery } & Timing)[] = [];
    for (const query of SEARCH_MIX) ordinary.push({ query, ...(await timeQuery(store, query)) });
    const abstracts: Timing[] = [];
    for (const query of pasted) abstracts.push(await timeQuery(store, query));
    passes.push({ ordinary, abstracts });
  }
  const [cold, warm] = passes as [(typeof passes)[0], (typeof passes)[0]];
  const byKind: Record<string, LatencySummary> = {};
  for (const kind of new Set(SEARCH_MIX.map((q) => q.kind))) {
    byKind[kind] = summarize(cold.ordinary.filter((r) => r.query.kind === kind).map((r) => r.ms));
  }
  return {
    papers: await store.countPapers(),
    cold: {
      ordinary: summarize(cold.ordinary.map((r) => r.ms)),
      pastedAbstract: summarize(cold.abstracts.map((r) => r.ms)),
      cpu: {
        ordinary: summarize(cold.ordinary.map((r) => r.cpuMs)),
        pastedAbstract: summarize(cold.abstracts.map((r) => r.cpuMs)),
      },
      slowest: [...cold.ordinary]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 5)
        .map((r) => ({
          q: `${r.query.q}${r.query.filters && Object.keys(r.query.filters).length ? ' ' + JSON.stringify(r.query.filters) : ''}${r.query.sort && r.query.sort !== 'relevance' ? ` sort=${r.query.sort}` : ''}`,
          ms: round(r.ms),
        })),
    },
    warm: {
      ordinary: summarize(warm.ordinary.map((r) => r.ms)),
      pastedAbstract: summarize(warm.abstracts.map((r) => r.ms)),
    },
    byKind,
    loadAverage: round(loadavg()[0] ?? 0),
  };
}

/** Imports the corpus into a scratch database (or opens `dbPath`) and runs the mix. */
export async function runSearchBench(dbPath?: string): Promise<SearchBenchResult> {
  const dir = dbPath ? null : mkdtempSync(join(tmpdir(), 'paperboy-bench-search-'));
  const store = new SqliteStore(dbPath ?? join(dir ?? '', 'paperboy.db'));
  try {
    if (!dbPath) {
      const report = await importFiles(store, [sharedPath('corpus/arxiv-listings-2025-2026.jsonl.gz')]);
      if (report.skipped.length > 0 || report.failed.length > 0) {
        throw new Error('the benchmark corpus did not import cleanly');
      }
    }
    return await runSearchBenchOn(store);
  } finally {
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { db: { type: 'string' } } });
  console.log(JSON.stringify(await runSearchBench(values.db), null, 2));
}
