import { afterEach, describe, expect, it } from 'vitest';
import {
  ArxivLookupError,
  fetchArxivEntries,
  lookupArxivPaper,
  lookupArxivPapers,
  type ArxivLookupOptions,
} from '../src/ingest/arxiv-api.js';
import {
  arxivApiReplay,
  gapsBetweenRequests,
  startReplayServer,
  type ReplayHandler,
  type ReplayServer,
} from './support/replay-server.js';

const DELAY_MS = 50;
let server: ReplayServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function options(handler: ReplayHandler = arxivApiReplay()): Promise<ArxivLookupOptions> {
  server = await startReplayServer(handler);
  return { apiUrl: `${server.url}/api/query`, delayMs: DELAY_MS, feedDate: '2026-03-10' };
}

async function lookupError(promise: Promise<unknown>): Promise<ArxivLookupError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ArxivLookupError);
  return error as ArxivLookupError;
}

describe('arXiv API look-ups over the recorded responses', () => {
  it('looks up a new-style id', async () => {
    const paper = await lookupArxivPaper('1605.08386', await options());
    expect(paper).toMatchObject({
      id: '1605.08386',
      version: 1,
      title: 'Heat-bath random walks with Markov bases',
      categories: ['math.CO', 'math.ST'],
      feedDate: '2026-03-10',
    });
    expect(server!.log[0]?.query).toMatchObject({ id_list: '1605.08386', start: '0', max_results: '100' });
  });

  it('looks up an old-style id', async () => {
    const paper = await lookupArxivPaper('astro-ph/0601001', await options());
    expect(paper).toMatchObject({
      id: 'astro-ph/0601001',
      version: 1,
      journalRef: 'ActaAstron.56:1-50,2006',
    });
    expect(paper.authors).toHaveLength(4);
  });

  it('looks up versioned ids, new and old style', async () => {
    const opts = await options();
    expect(await lookupArxivPaper('2104.12255v1', opts)).toMatchObject({
      id: '2104.12255',
      version: 1,
      title: '0',
    });
    expect(await lookupArxivPaper('quant-ph/0201082v1', opts)).toMatchObject({
      id: 'quant-ph/0201082',
      version: 1,
      categories: ['quant-ph', 'cs.PL'],
    });
  });

  it('accepts abs and PDF URLs and arXiv: prefixes', async () => {
    const opts = await options();
    expect((await lookupArxivPaper('https://arxiv.org/abs/1707.08567', opts)).id).toBe('1707.08567');
    expect((await lookupArxivPaper('arXiv:1605.08386', opts)).id).toBe('1605.08386');
  });

  it('looks up several ids in one request and names the one arXiv does not have', async () => {
    const result = await lookupArxivPapers(['0808.05394', '1707.08567'], await options());
    expect(result.papers.map((p) => p.id)).toEqual(['1707.08567']);
    expect(result.failures.map((f) => [f.problem, f.input, f.message])).toEqual([
      ['not-found', '0808.05394', 'arXiv has no paper 0808.05394'],
    ]);
    expect(server!.log).toHaveLength(1);
    expect(server!.log[0]?.query.id_list).toBe('0808.05394,1707.08567');
  });

  it('says "arXiv has no paper 0000.0000" for an unknown id', async () => {
    const error = await lookupError(lookupArxivPaper('0000.0000', await options()));
    expect(error).toMatchObject({
      problem: 'not-found',
      input: '0000.0000',
      message: 'arXiv has no paper 0000.0000',
    });
  });

  it('says "abc is not a valid arXiv id" without asking arXiv', async () => {
    const error = await lookupError(lookupArxivPaper('abc', await options()));
    expect(error).toMatchObject({ problem: 'invalid-id', message: 'abc is not a valid arXiv id' });
    expect(server!.log).toHaveLength(0);
  });

  it('keeps the message short for empty and pasted-in-bulk input', async () => {
    const opts = await options();
    expect((await lookupError(lookupArxivPaper('  ', opts))).message).toBe(
      '(nothing) is not a valid arXiv id',
    );
    const long = 'x'.repeat(10_000);
    const error = await lookupError(lookupArxivPaper(long, opts));
    expect(error.message).toBe(`${'x'.repeat(79)}… is not a valid arXiv id`);
    expect(error.input).toBe(long);
  });

  it('maps arXiv’s HTTP 400 error entry for a malformed id to the same clear error', async () => {
    const error = await lookupError(fetchArxivEntries(['abc'], await options()));
    expect(error).toMatchObject({
      problem: 'invalid-id',
      input: 'abc',
      message: 'abc is not a valid arXiv id',
    });
    expect(server!.log[0]?.status).toBe(400);
  });

  it('spaces its requests by the configured delay', async () => {
    const opts = await options();
    await Promise.all(
      ['1605.08386', '1707.08567', 'astro-ph/0601001'].map((id) => lookupArxivPaper(id, opts)),
    );
    expect(server!.log).toHaveLength(3);
    for (const gap of gapsBetweenRequests(server!.log)) expect(gap).toBeGreaterThanOrEqual(DELAY_MS);
  });

  it('reports arXiv as unavailable after repeated server errors', async () => {
    const result = await lookupArxivPapers(['1605.08386'], {
      ...(await options(() => ({ status: 502, body: 'Bad Gateway' }))),
      maxAttempts: 3,
    });
    expect(result.papers).toEqual([]);
    expect(result.failures[0]).toMatchObject({ problem: 'unavailable', input: '1605.08386' });
    expect(result.failures[0]?.message).toMatch(/failed 3 times in a row \(last: HTTP 502\)/);
    expect(server!.log).toHaveLength(3);
  });

  it('reports an unreadable answer clearly', async () => {
    const error = await lookupError(
      lookupArxivPaper('1605.08386', await options(() => ({ body: 'broken xml' }))),
    );
    expect(error).toMatchObject({ problem: 'bad-response' });
    expect(error.message).toMatch(
      /^arXiv sent an unreadable answer: the arXiv API response is not well-formed XML/,
    );
  });
});
