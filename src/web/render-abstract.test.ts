import { describe, expect, it } from 'vitest';
import { escapeHtml, hasMath, renderAbstract, renderInline } from './render-abstract.js';

/** Text a reader sees: tags removed, KaTeX's hidden MathML annotation kept out. */
function tagsOf(html: string): string[] {
  return [...html.matchAll(/<([a-z][a-z0-9]*)\b/g)].map((m) => m[1] ?? '');
}

describe('renderAbstract', () => {
  it('escapes HTML in plain text, including script tags and ampersands', () => {
    const html = renderAbstract('We beat <script>alert(1)</script> & "friends" at R&D.');
    expect(html).toBe(
      '<p>We beat &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;friends&quot; at R&amp;D.</p>',
    );
    expect(tagsOf(html)).toEqual(['p']);
  });

  it('renders $...$ inline math with KaTeX', () => {
    const html = renderAbstract('Runs in $O(n^2)$ time.');
    expect(html).toContain('class="katex"');
    expect(html).toContain('<annotation encoding="application/x-tex">O(n^2)</annotation>');
    expect(html.startsWith('<p>Runs in <span class="katex">')).toBe(true);
    expect(html.endsWith('</span> time.</p>')).toBe(true);
  });

  it('renders $$...$$ and \\[...\\] as display math and \\(...\\) inline', () => {
    expect(renderAbstract('Loss $$L = \\sum_i x_i$$ here.')).toContain('class="katex-display"');
    expect(renderAbstract('Loss \\[L = x\\] here.')).toContain('class="katex-display"');
    const inline = renderAbstract('with \\(\\alpha\\) fixed');
    expect(inline).toContain('class="katex"');
    expect(inline).not.toContain('katex-display');
  });

  it('falls back to the escaped source when a formula does not parse', () => {
    const html = renderAbstract('Broken $\\frac{a$ formula <b>.');
    expect(html).toContain('<code class="math-source">$\\frac{a$</code>');
    expect(html).toContain('formula &lt;b&gt;.');
    expect(html).not.toContain('class="katex"');
  });

  it('escapes HTML that appears inside a formula that fails', () => {
    const html = renderAbstract('$\\frac{<img src=x onerror=alert(1)>$');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('keeps KaTeX from producing links or raw HTML from untrusted commands', () => {
    const html = renderAbstract('$\\href{javascript:alert(1)}{x}$ and $\\htmlClass{evil}{x}$');
    expect(html).not.toContain('href="javascript');
    expect(html).not.toContain('class="evil"');
  });

  it('leaves dollar amounts and escaped dollars as text', () => {
    expect(renderAbstract('It costs $5 and $10 per run.')).toBe('<p>It costs $5 and $10 per run.</p>');
    expect(renderAbstract('Price \\$3 only')).toBe('<p>Price $3 only</p>');
    expect(renderAbstract('a lone $ sign')).toBe('<p>a lone $ sign</p>');
  });

  it('joins hard line breaks and splits paragraphs on blank lines', () => {
    expect(renderAbstract('first line\nsecond  line\n\nnext paragraph\n')).toBe(
      '<p>first line second line</p>\n<p>next paragraph</p>',
    );
  });

  it('links URLs without swallowing trailing punctuation', () => {
    const html = renderAbstract('Code: https://github.com/Zood123/COMET. See (https://example.org/a_(b)).');
    expect(html).toContain('<a href="https://github.com/Zood123/COMET" rel="nofollow noopener">');
    expect(html).toContain('<a href="https://example.org/a_(b)" rel="nofollow noopener">');
    expect(html).toContain('</a>. See (');
  });

  it('never lets a URL break out of its attribute', () => {
    const html = renderAbstract('see https://x.org/"onmouseover="alert(1) now');
    expect(html).toContain('<a href="https://x.org/" rel="nofollow noopener">https://x.org/</a>');
    expect(html).toContain('&quot;onmouseover=&quot;alert(1) now');
  });

  it('returns nothing for an empty abstract', () => {
    expect(renderAbstract('  \n ')).toBe('');
  });
});

describe('renderInline', () => {
  it('renders math in titles without paragraphs or links', () => {
    const html = renderInline('$\\mathcal{O}(n)$ Attention & More https://x.org');
    expect(html.startsWith('<span class="katex">')).toBe(true);
    expect(html).toContain(' Attention &amp; More https://x.org');
    expect(html).not.toContain('<a ');
    expect(html).not.toContain('<p>');
  });
});

describe('hasMath', () => {
  it('tells formulas from dollar amounts', () => {
    expect(hasMath('uses $x^2$')).toBe(true);
    expect(hasMath('costs $5 and $10')).toBe(false);
    expect(hasMath('plain title')).toBe(false);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
