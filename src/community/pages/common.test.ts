import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientIp } from './common.js';

/** What clientIp makes of a request with these X-Forwarded-For headers behind `proxies` proxies. */
async function addressSeen(proxies: number, forwardedFor?: string): Promise<string> {
  const app = new Hono().get('/', (c) => c.text(clientIp(c, proxies)));
  const response = await app.request('/', {
    headers: forwardedFor === undefined ? {} : { 'X-Forwarded-For': forwardedFor },
  });
  return response.text();
}

describe('clientIp', () => {
  it('ignores X-Forwarded-For unless proxies are trusted', async () => {
    // app.request has no socket: the shared bucket stands for the socket's address.
    expect(await addressSeen(0, '203.0.113.7')).toBe('unknown');
  });

  it('takes the address the trusted proxies appended, not what the client wrote before it', async () => {
    expect(await addressSeen(1, '203.0.113.7')).toBe('203.0.113.7');
    expect(await addressSeen(1, '6.6.6.6, 203.0.113.7')).toBe('203.0.113.7');
    expect(await addressSeen(2, '6.6.6.6,203.0.113.7 , 10.0.0.2')).toBe('203.0.113.7');
  });

  it('falls back to the socket when the header is missing or shorter than the proxy chain', async () => {
    expect(await addressSeen(1)).toBe('unknown');
    expect(await addressSeen(2, '203.0.113.7')).toBe('unknown');
    expect(await addressSeen(1, ' , ')).toBe('unknown');
  });
});
