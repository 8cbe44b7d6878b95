import { describe, expect, it } from 'vitest';
import { renderCommentHtml } from './markdown.js';

describe('renderCommentHtml', () => {
  it('renders Markdown', () => {
    const html = renderCommentHtml(
      'Nice **result**, see [the code](https://github.com/a/b).\n\n- one\n- two',
    );
    expect(html).toContain('<strong>result</strong>');
    expect(html).toContain('<a href="https://github.com/a/b" rel="nofollow ugc noopener">the code</a>');
    expect(html).toContain('<li>one</li>');
  });

  it('renders inline and display math with KaTeX, keeping _ and * inside math', () => {
    const html = renderCommentHtml('The loss $x_i^2 * y_i$ and $$\\sum_{i=1}^n a_i$$');
    expect(html).toContain('class="katex"');
    expect(html).toContain('katex-display');
    expect(html).not.toContain('<em>');
  });

  it('leaves prices alone', () => {
    const html = renderCommentHtml('It costs $5 and $10 to run.');
    expect(html).toBe('<p>It costs $5 and $10 to run.</p>\n');
  });

  it('keeps math in code spans literal', () => {
    expect(renderCommentHtml('`$x$`')).toBe('<p><code>$x$</code></p>\n');
  });

  it('escapes raw HTML instead of passing it through', () => {
    const html = renderCommentHtml('$x^2$ <script>alert(1)</script> <img src=x onerror=alert(1)>');
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('class="katex"');
  });

  it.each([
    '[click](javascript:alert(1))',
    '[click](JAVASCRIPT:alert(1))',
    '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[click](vbscript:msgbox)',
    '[click](//evil.example/x)',
    '<javascript:alert(1)>',
    '![x](https://tracker.example/pixel.gif)',
  ])('refuses dangerous or tracking links: %s', (source) => {
    const html = renderCommentHtml(source);
    expect(html).not.toMatch(/href="(?!https?:)/i);
    expect(html).not.toMatch(/<img/i);
  });

  it('does not let LaTeX produce links or HTML attributes', () => {
    const html = renderCommentHtml(
      '$\\href{javascript:alert(1)}{x}$ $\\htmlClass{evil}{x}$ $\\url{javascript:alert(1)}$',
    );
    expect(html).not.toContain('href="javascript');
    expect(html).not.toContain('class="evil"');
  });

  it('bounds macro expansion', () => {
    const bomb = '$\\def\\a{\\a\\a}\\a$';
    const started = Date.now();
    const html = renderCommentHtml(bomb);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(html).toContain('\\def');
  });
});
