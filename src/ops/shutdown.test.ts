import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { gracefulServer } from './shutdown.js';

const logger = pino({ level: 'silent' });
let server: Server;

/** A server that answers once the whole request body has arrived. */
async function start(): Promise<number> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => res.end(`got ${body.length} bytes`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Sends `head` on a raw socket; resolves with everything received until the server closes it. */
function send(port: number, head: string): { write: (text: string) => void; received: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  socket.write(head);
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString()));
  return {
    write: (text) => socket.write(text),
    received: new Promise((resolve) => socket.on('close', () => resolve(received))),
  };
}

const post = (length: number) => `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n`;

afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

describe('gracefulServer', () => {
  it('lets a request in flight finish, tells its client to close, then resolves', async () => {
    const port = await start();
    const graceful = gracefulServer(server);
    const client = send(port, post(10) + '12345');
    await sleep(100);
    const drained = graceful.drain({ timeoutMs: 5000, logger });
    await sleep(100);
    client.write('67890');
    const response = await client.received;
    expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(response).toMatch(/\r\nConnection: close\r\n/);
    expect(response).toMatch(/got 10 bytes$/);
    expect(await drained).toEqual({ forced: false });
  });

  it('closes idle keep-alive connections at once', async () => {
    const port = await start();
    const graceful = gracefulServer(server);
    const idle = send(port, post(2) + 'ok');
    await sleep(100);
    const started = Date.now();
    expect(await graceful.drain({ timeoutMs: 5000, logger })).toEqual({ forced: false });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await idle.received).toMatch(/Connection: keep-alive[\s\S]*got 2 bytes$/);
  });

  it('cuts a request that does not finish by the deadline, and says so', async () => {
    const port = await start();
    const graceful = gracefulServer(server);
    const stuck = send(port, post(100) + 'only part of it');
    await sleep(100);
    const started = Date.now();
    expect(await graceful.drain({ timeoutMs: 300, logger })).toEqual({ forced: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await stuck.received).toBe('');
  });
});
