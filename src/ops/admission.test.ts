import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { admission, AdmissionQueue } from './admission.js';

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('AdmissionQueue', () => {
  it('runs at most maxActive at once and admits the others in arrival order', async () => {
    const queue = new AdmissionQueue({ maxActive: 2, maxWaiting: 10 });
    const admitted: number[] = [];
    const entries = [0, 1, 2, 3, 4].map((i) => queue.enter().then((ok) => ok && admitted.push(i)));
    await nextTurn();
    expect(admitted).toEqual([0, 1]);
    expect(queue.size).toEqual({ active: 2, waiting: 3 });
    queue.leave();
    await nextTurn();
    expect(admitted).toEqual([0, 1, 2]);
    queue.leave();
    queue.leave();
    await Promise.all(entries);
    expect(admitted).toEqual([0, 1, 2, 3, 4]);
    for (let i = 0; i < 2; i++) queue.leave();
    expect(queue.size).toEqual({ active: 0, waiting: 0 });
  });

  it('hands a turn over on a later turn of the event loop, so that sockets are read in between', async () => {
    const queue = new AdmissionQueue({ maxActive: 1, maxWaiting: 10 });
    const events: string[] = [];
    await queue.enter();
    const second = queue.enter().then(() => events.push('second admitted'));
    // What the server would do next: read a socket. It must not wait for the whole queue to drain.
    setImmediate(() => events.push('socket read'));
    queue.leave();
    await second;
    expect(events).toEqual(['socket read', 'second admitted']);
  });

  it('refuses when maxWaiting are waiting, and drops a waiter whose client has gone without losing its turn', async () => {
    const queue = new AdmissionQueue({ maxActive: 1, maxWaiting: 2 });
    expect(await queue.enter()).toBe(true);
    const gone = new AbortController();
    const first = queue.enter(gone.signal);
    const second = queue.enter();
    expect(await queue.enter()).toBe(false);
    gone.abort();
    expect(await first).toBe(false);
    expect(queue.size).toEqual({ active: 1, waiting: 1 });
    queue.leave();
    expect(await second).toBe(true);
    expect(queue.size).toEqual({ active: 1, waiting: 0 });
  });

  it('skips a waiter that gave up after the turn it was to take came free', async () => {
    const queue = new AdmissionQueue({ maxActive: 1, maxWaiting: 5 });
    await queue.enter();
    const gone = new AbortController();
    const first = queue.enter(gone.signal);
    const second = queue.enter();
    queue.leave(); // the first waiter would be admitted on the next turn of the loop
    gone.abort(); // but it goes before that turn comes
    expect(await first).toBe(false);
    expect(await second).toBe(true);
    expect(queue.size).toEqual({ active: 1, waiting: 0 });
  });

  it('admits one waiter per turn of the event loop, however many turns come free at once', async () => {
    const queue = new AdmissionQueue({ maxActive: 3, maxWaiting: 10 });
    for (let i = 0; i < 3; i++) await queue.enter();
    const admitted: number[] = [];
    const waiters = [0, 1, 2].map((i) => queue.enter().then(() => admitted.push(i)));
    queue.leave();
    queue.leave();
    queue.leave();
    await nextTurn();
    expect(admitted).toEqual([0]);
    await nextTurn();
    expect(admitted).toEqual([0, 1]);
    await Promise.all(waiters);
    expect(admitted).toEqual([0, 1, 2]);
    expect(queue.size).toEqual({ active: 3, waiting: 0 });
  });

  it('starts newcomers while turns are free until this turn of the event loop has run 10 ms, then waits for a later one', async () => {
    const queue = new AdmissionQueue({ maxActive: 8, maxWaiting: 10 });
    const admitted: number[] = [];
    const admit = (i: number) => queue.enter().then(() => admitted.push(i));
    const quick = [0, 1].map(admit);
    await Promise.all(quick);
    expect(admitted).toEqual([0, 1]);
    // The requests admitted in this turn have run for 10 ms: a newcomer waits for a later turn.
    const end = performance.now() + 12;
    while (performance.now() < end);
    const late = admit(2);
    await Promise.resolve();
    expect(admitted).toEqual([0, 1]);
    await late;
    expect(admitted).toEqual([0, 1, 2]);
  });

  it('keeps arrival order: a newcomer waits behind those already waiting even when a turn is free', async () => {
    const queue = new AdmissionQueue({ maxActive: 1, maxWaiting: 10 });
    await queue.enter();
    const order: string[] = [];
    const early = queue.enter().then(() => order.push('early'));
    queue.leave();
    const late = queue.enter().then(() => order.push('late'));
    await early;
    queue.leave();
    await late;
    expect(order).toEqual(['early', 'late']);
  });
});

describe('admission middleware', () => {
  function app(queue: AdmissionQueue, slow: Promise<void>): Hono {
    const app = new Hono();
    app.use(admission(queue));
    app.get('/slow', async (c) => {
      await slow;
      return c.text('slow');
    });
    app.get('/fails', () => {
      throw new Error('broken');
    });
    app.get('/healthz', (c) => c.json({ status: 'ok' }));
    app.get('/page', (c) => c.text('page'));
    app.onError((_err, c) => c.text('failed', 500));
    return app;
  }

  it('queues pages behind busy ones, refuses past maxWaiting with 503 and Retry-After, never queues health checks', async () => {
    const queue = new AdmissionQueue({ maxActive: 1, maxWaiting: 1 });
    const { opened, open } = gate();
    const server = app(queue, opened);
    const slow = server.request('/slow');
    await nextTurn();
    const queued = server.request('/page');
    await nextTurn();
    const refused = await server.request('/page');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.text()).toMatch(/busy/);
    const health = await server.request('/healthz');
    expect(health.status).toBe(200);
    open();
    expect(await (await slow).text()).toBe('slow');
    expect(await (await queued).text()).toBe('page');
    expect(queue.size).toEqual({ active: 0, waiting: 0 });
  });

  it('frees the turn of a handler that throws', async () => {
    const queue = new AdmissionQueue({ maxActive: 1, maxWaiting: 1 });
    const server = app(queue, Promise.resolve());
    expect((await server.request('/fails')).status).toBe(500);
    expect(queue.size).toEqual({ active: 0, waiting: 0 });
    expect(await (await server.request('/page')).text()).toBe('page');
  });

  it('drops a queued request whose client has gone, unanswered (499 in the log)', async () => {
    const queue = new AdmissionQueue({ maxActive: 1, maxWaiting: 5 });
    const { opened, open } = gate();
    const server = app(queue, opened);
    const slow = server.request('/slow');
    await nextTurn();
    const gone = new AbortController();
    const dropped = server.request(new Request('http://localhost/page', { signal: gone.signal }));
    await nextTurn();
    gone.abort();
    expect((await dropped).status).toBe(499);
    open();
    await slow;
    expect(queue.size).toEqual({ active: 0, waiting: 0 });
  });
});
