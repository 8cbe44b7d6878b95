/**
 * Prometheus metrics, served at /metrics in the text exposition format by prom-client.
 *
 * Two registries: one per process, for what belongs to the process (Node's own metrics, mail sent and
 * failed, counted wherever mail goes out), and one per app, for its HTTP traffic and for totals read from
 * its store when Prometheus scrapes. /metrics serves both.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '../store/store.js';

const processRegistry = new Registry();
let defaultMetricsStarted = false;

/** Outcome of one mail message handed to the mail server. */
export type MailResult = 'sent' | 'failed';

const mailMessages = new Counter({
  name: 'paperboy_mail_messages_total',
  help: 'Mail messages this process handed to the mail server (sent) or could not deliver (failed)',
  labelNames: ['result'] as const,
  registers: [processRegistry],
});
// Both series exist from the start, so a rate() or an alert sees 0 rather than nothing.
mailMessages.labels('sent').inc(0);
mailMessages.labels('failed').inc(0);

/** Counts a message the mail code sent or gave up on; call it once per message. */
export function countMail(result: MailResult, messages = 1): void {
  mailMessages.labels(result).inc(messages);
}

/** Buckets for request latency, seconds: most pages take milliseconds, a slow search a few hundred. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface AppMetrics {
  /** Both registries together, as /metrics serves them. */
  registry: Registry;
  observeRequest(request: { method: string; route: string; status: number; seconds: number }): void;
}

/** HTTP metrics for one app, and the store's totals computed at scrape time. */
export function createAppMetrics(store: Store, now: () => Date = () => new Date()): AppMetrics {
  if (!defaultMetricsStarted) {
    collectDefaultMetrics({ register: processRegistry });
    defaultMetricsStarted = true;
  }
  const registry = new Registry();
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: 'paperboy_papers',
    help: 'Papers in the database',
    registers: [registry],
    async collect() {
      this.set(await store.countPapers());
    },
  });
  // A scrape collects every gauge at once, so the three below share the query while it runs.
  let pending: ReturnType<Store['communityTotals']> | null = null;
  const communityTotals = () =>
    (pending ??= store.communityTotals().finally(() => {
      pending = null;
    }));
  const totalGauges: [keyof Awaited<ReturnType<Store['communityTotals']>>, string][] = [
    ['users', 'Accounts'],
    ['votes', 'Upvotes cast by accounts (imported upvotes not included)'],
    ['comments', 'Comments readers can see (not deleted or hidden)'],
  ];
  for (const [key, help] of totalGauges) {
    new Gauge({
      name: `paperboy_${key}`,
      help,
      registers: [registry],
      async collect() {
        this.set((await communityTotals())[key]);
      },
    });
  }
  new Gauge({
    name: 'paperboy_harvest_age_seconds',
    help: 'Seconds since the last completed arXiv harvest, by OAI-PMH set; absent before the first',
    labelNames: ['set'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const latest = new Map<string, number>();
      for (const run of await store.lastHarvestRuns(100)) {
        if (run.status !== 'completed' || !run.finishedAt) continue;
        const set = run.set || 'all';
        latest.set(set, Math.max(latest.get(set) ?? 0, Date.parse(run.finishedAt)));
      }
      for (const [set, finished] of latest) this.labels(set).set((now().getTime() - finished) / 1000);
    },
  });
  return {
    registry: Registry.merge([processRegistry, registry]),
    observeRequest({ method, route, status, seconds }) {
      requests.labels(method, route, String(status)).inc();
      latency.labels(method, route).observe(seconds);
    },
  };
}
