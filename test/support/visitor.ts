/**
 * A browser's worth of state for app.request() tests: cookies, and the `_csrf` field of the last form it
 * loaded. Over real HTTP (a `paperboy serve` child), pass `overHttp` as the app and absolute URLs.
 */

/** A Hono app, or anything else that answers requests the way its request() does. */
interface RequestTarget {
  request(url: string, init: RequestInit): Response | Promise<Response>;
}

/** Fetches like app.request(): redirects are returned, not followed. */
export const overHttp = {
  request: (url: string, init: RequestInit) => fetch(url, { ...init, redirect: 'manual' }),
};

export class Visitor {
  private cookies = new Map<string, string>();
  csrf = '';
  constructor(
    private readonly app: RequestTarget,
    private readonly baseUrl: string,
  ) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await this.app.request(url.startsWith('http') ? url : `${this.baseUrl}${url}`, {
      ...init,
      headers,
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  }

  async page(url: string): Promise<string> {
    const response = await this.request(url);
    const html = await response.text();
    this.csrf = /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
    return html;
  }

  async submit(url: string, fields: Record<string, string>): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: this.csrf, ...fields }).toString(),
    });
  }
}
