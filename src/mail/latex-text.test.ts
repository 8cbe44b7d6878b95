import { describe, expect, it } from 'vitest';
import { readableLatex } from './latex-text.js';

describe('readableLatex', () => {
  it.each([
    ['up to 4$\\times$ faster', 'up to 4× faster'],
    ['an $F_1$ score', 'an F₁ score'],
    ['in $\\mathbb{R}^{d}$', 'in ℝᵈ'],
    ['$\\frac{a+b}{2}$', '(a+b)/2'],
    ['$\\sqrt{n+1}$', '√(n+1)'],
    ['90$^\\circ$ turns', '90° turns'],
    ['$\\mathcal{O}(n^2 \\log n)$ time', 'O(n² log n) time'],
    ['$x_{ij}^{(t+1)}$', 'xᵢⱼ⁽ᵗ⁺¹⁾'],
    ['$W^\\top x$', 'Wᵀ x'],
    ['$\\hat{y}$', 'ŷ'],
    ['$\\alpha$-divergence and $\\beta$-VAE', 'α-divergence and β-VAE'],
    ['$x^{\\mathrm{opt}}$', 'xᵒᵖᵗ'],
    ['$e^{-\\beta E}$ and $2^q$', 'e^(-β E) and 2^q'],
    ['$\\unicode{x2013}$', '–'],
    ['50\\% fewer \\& faster', '50% fewer & faster'],
    ['we use $$E=mc^2$$ here', 'we use E=mc² here'],
  ])('%s → %s', (input, expected) => {
    expect(readableLatex(input)).toBe(expected);
  });

  it('leaves dollar amounts and unpaired dollars as text', () => {
    expect(readableLatex('costs $5 and $6 more')).toBe('costs $5 and $6 more');
    expect(readableLatex('a lone $ sign')).toBe('a lone $ sign');
    expect(readableLatex('\\$100 prize')).toBe('$100 prize');
  });

  it('keeps markup-like text as text for the escaping layer', () => {
    expect(readableLatex('$<img src=x onerror=alert(1)>$')).toBe('<img src=x onerror=alert(1)>');
  });

  it('never throws on broken input', () => {
    for (const input of ['$\\frac{a}$', '$^$', '$\\sqrt[3$', '$}}}{{{$', '$\\unicode{zz}$', '$\\left.$']) {
      expect(typeof readableLatex(input)).toBe('string');
    }
  });
});
