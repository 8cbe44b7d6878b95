import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sharedPath } from './shared.js';

/**
 * A real HTTP server on 127.0.0.1 that answers with recorded responses, so tests of arXiv ingestion
 * never talk to the internet. Every request is logged with its arrival time, which is what the
 * politeness tests assert on.
 */

export interface ReplayRequest {
  method: string;
  url: URL;
  /** Arrival time, milliseconds since the epoch with sub-millisecond precision. */
  at: number;
  /** 0 for the first request the server received. */
  index: number;
}

export interface ReplayReply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer: the request hangs until the client gives up or goes away. */
  hang?: boolean;
  /** Send the headers and half the body, then cut the connection. */
  cutMidBody?: boolean;
}

export type ReplayHandler = (request: ReplayRequest) => ReplayReply | Promise<ReplayReply>;

export interface LoggedRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number | null;
}

export interface ReplayServer {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  log: LoggedRequest[];
  /** Resolves when the server has received `count` requests in all. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

export async function startReplayServer(handler: ReplayHandler): Promise<ReplayServer> {
  const log: LoggedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const notify = (): void => {
    for (const waiter of waiters.filter((w) => log.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  const sockets = new Set<import('node:net').Socket>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const at = now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: LoggedRequest = {
      at,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: null,
    };
    log.push(entry);
    notify();
    Promise.resolve(handler({ method: entry.method, url, at, index: log.length - 1 })).then(
      (reply) => {
        if (reply.hang) return;
        const body = reply.body ?? '';
        entry.status = reply.status ?? 200;
        if (reply.cutMidBody) {
          res.writeHead(entry.status, {
            'content-length': String(Buffer.byteLength(body)),
            ...reply.headers,
          });
          res.write(body.slice(0, Math.floor(body.length / 2)));
          setTimeout(() => res.socket?.destroy(), 20);
          return;
        }
        res.writeHead(entry.status, { 'content-type': 'text/xml; charset=utf-8', ...reply.headers });
        res.end(body);
      },
      (err: unknown) => {
        entry.status = 500;
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`replay handler failed: ${String(err)}`);
      },
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    waitForRequests: (count) =>
      new Promise<void>((resolve) => {
        waiters.push({ count, resolve });
        notify();
      }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Milliseconds between consecutive requests, in arrival order. */
export function gapsBetweenRequests(log: LoggedRequest[]): number[] {
  return log.slice(1).map((entry, i) => entry.at - (log[i]?.at ?? entry.at));
}

/** A recorded arXiv API exchange from ../shared/fixtures/arxiv-api (`.json`: {url, status_code, body}). */
export interface RecordedExchange {
  file: string;
  url: URL;
  status: number;
  body: string;
}

export function arxivApiRecordings(): RecordedExchange[] {
  const dir = sharedPath('fixtures', 'arxiv-api');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((file) => {
      const recorded = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        url: string;
        status_code: number;
        body: string;
      };
      return { file, url: new URL(recorded.url), status: recorded.status_code, body: recorded.body };
    });
}

// The query parameters that select a recorded answer; sort order does not change an id_list answer.
const SELECTING = ['search_query', 'id_list', 'start', 'max_results'];

function selector(params: URLSearchParams): string {
  return SELECTING.map((name) => `${name}=${params.get(name) ?? ''}`).join('&');
}

/** Answers arXiv API queries from the recordings; an unrecorded query gets a 404 that names it. */
export function arxivApiReplay(): ReplayHandler {
  const byQuery = new Map(arxivApiRecordings().map((r) => [selector(r.url.searchParams), r]));
  return ({ url }) => {
    const recorded = byQuery.get(selector(url.searchParams));
    if (!recorded) return { status: 404, body: `no recording for ${selector(url.searchParams)}` };
    return {
      status: recorded.status,
      body: recorded.body,
      headers: { 'content-type': 'application/atom+xml' },
    };
  };
}
