import { describe, expect, it } from 'vitest';
import { UpvoteButton, safeNext } from './components.js';

async function render(node: unknown): Promise<string> {
  return (node as { toString(): string | Promise<string> }).toString();
}

describe('safeNext', () => {
  it('keeps same-site paths', () => {
    expect(safeNext('/papers/2503.11731#comments', '/')).toBe('/papers/2503.11731#comments');
    expect(safeNext('/trending?window=day', '/')).toBe('/trending?window=day');
  });

  it.each([
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example',
    'javascript:alert(1)',
    '/x\r\nSet-Cookie: a=b',
    '',
    undefined,
    42,
  ])('falls back for %j', (value) => {
    expect(safeNext(value, '/home')).toBe('/home');
  });
});

describe('UpvoteButton', () => {
  it('is a link to log in for visitors, so anonymous pages carry no form', async () => {
    const html = await render(
      <UpvoteButton
        paper={{ id: 'astro-ph/0601001', upvotes: 7 }}
        voted={false}
        csrf={null}
        next="/?date=2026-03-12"
      />,
    );
    expect(html).toContain('href="/login?next=%2F%3Fdate%3D2026-03-12"');
    expect(html).not.toContain('<form');
  });

  it('is a toggle form with the CSRF token for signed-in users', async () => {
    const html = await render(
      <UpvoteButton paper={{ id: 'astro-ph/0601001', upvotes: 8 }} voted csrf="TOKEN" next="/trending" />,
    );
    expect(html).toContain('action="/papers/astro-ph/0601001/upvote"');
    expect(html).toContain('<input type="hidden" name="_csrf" value="TOKEN"/>');
    expect(html).toContain('aria-pressed="true"');
    expect(html).toContain('<span class="vote-number">8</span>');
  });
});
