/**
 * LaTeX in titles and abstracts shown readably as plain Unicode, for mail. Mail clients run no scripts and
 * most (Gmail among them) drop MathML and stylesheets, so KaTeX's output would arrive as noise; Unicode
 * survives every client and the plain-text part alike: `$\mathbb{R}^{d}$` → ℝᵈ, `$F_1$` → F₁,
 * `$\frac{a+b}{2}$` → (a+b)/2, `$\alpha$` → α. What has no Unicode form keeps a readable spelling (`x^(n+1)`).
 */

const SYMBOLS: Record<string, string> = {
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  epsilon: 'ϵ',
  varepsilon: 'ε',
  zeta: 'ζ',
  eta: 'η',
  theta: 'θ',
  vartheta: 'ϑ',
  iota: 'ι',
  kappa: 'κ',
  lambda: 'λ',
  mu: 'μ',
  nu: 'ν',
  xi: 'ξ',
  pi: 'π',
  varpi: 'ϖ',
  rho: 'ρ',
  varrho: 'ϱ',
  sigma: 'σ',
  varsigma: 'ς',
  tau: 'τ',
  upsilon: 'υ',
  phi: 'ϕ',
  varphi: 'φ',
  chi: 'χ',
  psi: 'ψ',
  omega: 'ω',
  Gamma: 'Γ',
  Delta: 'Δ',
  Theta: 'Θ',
  Lambda: 'Λ',
  Xi: 'Ξ',
  Pi: 'Π',
  Sigma: 'Σ',
  Upsilon: 'Υ',
  Phi: 'Φ',
  Psi: 'Ψ',
  Omega: 'Ω',
  times: '×',
  cdot: '·',
  pm: '±',
  mp: '∓',
  div: '÷',
  ast: '∗',
  star: '⋆',
  circ: '∘',
  bullet: '•',
  oplus: '⊕',
  otimes: '⊗',
  odot: '⊙',
  sim: '∼',
  simeq: '≃',
  approx: '≈',
  cong: '≅',
  equiv: '≡',
  propto: '∝',
  neq: '≠',
  ne: '≠',
  leq: '≤',
  le: '≤',
  geq: '≥',
  ge: '≥',
  ll: '≪',
  gg: '≫',
  prec: '≺',
  succ: '≻',
  to: '→',
  rightarrow: '→',
  leftarrow: '←',
  gets: '←',
  leftrightarrow: '↔',
  Rightarrow: '⇒',
  Leftarrow: '⇐',
  Leftrightarrow: '⇔',
  implies: '⇒',
  iff: '⇔',
  mapsto: '↦',
  uparrow: '↑',
  downarrow: '↓',
  longrightarrow: '⟶',
  infty: '∞',
  partial: '∂',
  nabla: '∇',
  sum: '∑',
  prod: '∏',
  int: '∫',
  oint: '∮',
  in: '∈',
  notin: '∉',
  ni: '∋',
  subset: '⊂',
  subseteq: '⊆',
  supset: '⊃',
  supseteq: '⊇',
  cup: '∪',
  cap: '∩',
  setminus: '∖',
  forall: '∀',
  exists: '∃',
  neg: '¬',
  lnot: '¬',
  land: '∧',
  wedge: '∧',
  lor: '∨',
  vee: '∨',
  emptyset: '∅',
  varnothing: '∅',
  ell: 'ℓ',
  hbar: 'ℏ',
  Re: 'ℜ',
  Im: 'ℑ',
  aleph: 'ℵ',
  top: '⊤',
  perp: '⊥',
  bot: '⊥',
  dagger: '†',
  prime: '′',
  degree: '°',
  angle: '∠',
  triangle: '△',
  square: '□',
  checkmark: '✓',
  cdots: '⋯',
  ldots: '…',
  dots: '…',
  vdots: '⋮',
  ddots: '⋱',
  langle: '⟨',
  rangle: '⟩',
  lceil: '⌈',
  rceil: '⌉',
  lfloor: '⌊',
  rfloor: '⌋',
  mid: '|',
  vert: '|',
  Vert: '‖',
  lvert: '|',
  rvert: '|',
  lVert: '‖',
  rVert: '‖',
  backslash: '\\',
  sqrt: '√',
  quad: ' ',
  qquad: ' ',
  log: 'log',
  ln: 'ln',
  exp: 'exp',
  sin: 'sin',
  cos: 'cos',
  tan: 'tan',
  min: 'min',
  max: 'max',
  arg: 'arg',
  argmin: 'argmin',
  argmax: 'argmax',
  lim: 'lim',
  sup: 'sup',
  inf: 'inf',
  det: 'det',
  dim: 'dim',
  Pr: 'Pr',
  deg: 'deg',
  gcd: 'gcd',
  textasciitilde: '~',
  S: '§',
  P: '¶',
  copyright: '©',
  euro: '€',
  pounds: '£',
  textdegree: '°',
  textregistered: '®',
  texttrademark: '™',
  textendash: '–',
  textemdash: '—',
  textbullet: '•',
};

/** Commands that only change how their argument looks. */
const STYLE = new Set([
  'mathbf',
  'mathrm',
  'mathit',
  'mathsf',
  'mathtt',
  'mathnormal',
  'boldsymbol',
  'bm',
  'text',
  'textbf',
  'textit',
  'textrm',
  'textsf',
  'texttt',
  'textsc',
  'textnormal',
  'emph',
  'operatorname',
  'mbox',
  'hbox',
  'underline',
  'overline',
  'url',
  'mathscr',
  'mathfrak',
  'pmb',
  'displaystyle',
  'textstyle',
  'scriptstyle',
]);

/** Sizing and spacing commands that print nothing themselves. */
const SILENT = new Set([
  'left',
  'right',
  'big',
  'Big',
  'bigg',
  'Bigg',
  'bigl',
  'bigr',
  'Bigl',
  'Bigr',
  'biggl',
  'biggr',
  'middle',
  'limits',
  'nolimits',
  'displaystyle',
  'textstyle',
  'nonumber',
  'notag',
  'label',
  'cite',
  'ref',
]);

const ACCENTS: Record<string, string> = {
  hat: '\u0302',
  widehat: '\u0302',
  bar: '\u0304',
  overline: '\u0305',
  tilde: '\u0303',
  widetilde: '\u0303',
  vec: '\u20D7',
  dot: '\u0307',
  ddot: '\u0308',
  acute: '\u0301',
  grave: '\u0300',
  check: '\u030C',
  breve: '\u0306',
};

const DOUBLE_STRUCK: Record<string, string> = {
  C: 'ℂ',
  H: 'ℍ',
  N: 'ℕ',
  P: 'ℙ',
  Q: 'ℚ',
  R: 'ℝ',
  Z: 'ℤ',
  E: '𝔼',
  '1': '𝟙',
};

const SUPERSCRIPT = mapOf(
  '0123456789+-=()nijklmoprstuvwxyzabcdefghT*′',
  '⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵃᵇᶜᵈᵉᶠᵍʰᵀ*′',
);
const SUBSCRIPT = mapOf('0123456789+-=()aehijklmnoprstuvxβγρφχ', '₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ');

function mapOf(from: string, to: string): Map<string, string> {
  const source = [...from];
  const target = [...to];
  return new Map(source.map((c, i) => [c, target[i] ?? c]));
}

/** Converts the math and the text-mode escapes of a title or abstract; other text passes through as it is. */
export function readableLatex(input: string): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const math = findMath(input, i);
    if (!math) break;
    out += textMode(input.slice(i, math.start)) + mathToText(math.body);
    i = math.end;
  }
  return out + textMode(input.slice(i));
}

interface MathSpan {
  start: number;
  end: number;
  body: string;
}

// Opening `$` not followed by a space, closing `$` not preceded by one nor followed by a digit: "costs $5 and $6"
// stays text. Bodies never cross a blank line, so a stray dollar cannot swallow a paragraph.
const MATH =
  /\$\$([^$]+?)\$\$|\$(?!\s)((?:\\\$|[^$\n]|\n(?!\s*\n)){1,800}?)(?<![\s\\])\$(?!\d)|\\\(([\s\S]{1,800}?)\\\)|\\\[([\s\S]{1,800}?)\\\]/g;

function findMath(input: string, from: number): MathSpan | null {
  MATH.lastIndex = from;
  for (let m = MATH.exec(input); m; m = MATH.exec(input)) {
    // A `\$` is an escaped dollar sign, not a delimiter.
    if (m.index > 0 && input[m.index - 1] === '\\') {
      MATH.lastIndex = m.index + 1;
      continue;
    }
    return { start: m.index, end: m.index + m[0].length, body: m[1] ?? m[2] ?? m[3] ?? m[4] ?? '' };
  }
  return null;
}

function textMode(text: string): string {
  return text
    .replace(/\\(?:emph|textbf|textit|textrm|textsf|texttt|textsc|underline|url|mbox)\{([^{}]*)\}/g, '$1')
    .replace(/\\href\{([^{}]*)\}\{([^{}]*)\}/g, '$2 ($1)')
    .replace(/\\([%&$#_{}])/g, '$1')
    .replace(/``|''/g, (q) => (q === '``' ? '“' : '”'))
    .replace(/---/g, '—')
    .replace(/(?<=\s)--(?=\s)/g, '–')
    .replace(
      /\\(?:textasciitilde|ldots|dots|textendash|textemdash|textbullet|copyright|euro|pounds)\b/g,
      (m) => SYMBOLS[m.slice(1)] ?? m,
    )
    .replace(/~/g, '\u00A0');
}

/** A small recursive-descent reader over one math body. */
function mathToText(body: string): string {
  const reader = new MathReader(body);
  // NFC folds a letter and its combining accent into one character where Unicode has one (ŷ).
  return reader.sequence(false).replace(/\s+/g, ' ').trim().normalize('NFC');
}

class MathReader {
  private i = 0;
  constructor(private readonly src: string) {}

  sequence(inGroup: boolean): string {
    let out = '';
    while (this.i < this.src.length) {
      const c = this.src[this.i] ?? '';
      if (c === '}') {
        this.i++;
        if (inGroup) return out;
        continue;
      }
      if (c === '^' || c === '_') {
        this.i++;
        out += script(this.argument(), c === '^' ? SUPERSCRIPT : SUBSCRIPT, c);
        continue;
      }
      out += this.atom();
    }
    return out;
  }

  /** One unit: a group, a command with its arguments, or one character. */
  private atom(): string {
    const c = this.src[this.i] ?? '';
    this.i++;
    if (c === '{') return this.sequence(true);
    if (c === '\\') return this.command();
    if (c === '~') return ' ';
    if (c === '&') return ' ';
    return c;
  }

  /** The argument of a command or script: a group or one atom, after optional spaces. */
  private argument(): string {
    while (this.src[this.i] === ' ') this.i++;
    if (this.i >= this.src.length) return '';
    return this.atom();
  }

  private optionalArgument(): void {
    if (this.src[this.i] !== '[') return;
    const close = this.src.indexOf(']', this.i);
    if (close > 0) this.i = close + 1;
  }

  private command(): string {
    const name = /^[A-Za-z]+/.exec(this.src.slice(this.i))?.[0];
    if (!name) {
      // \{ \} \% \, \; \! \\ and friends: one non-letter character.
      const c = this.src[this.i] ?? '';
      this.i++;
      if (c === ',' || c === ';' || c === ':' || c === ' ' || c === '\\') return ' ';
      if (c === '!') return '';
      if (c === '|') return '‖';
      return c;
    }
    this.i += name.length;
    if (name === 'frac' || name === 'dfrac' || name === 'tfrac') {
      const numerator = this.argument();
      const denominator = this.argument();
      return `${wrap(numerator)}/${wrap(denominator)}`;
    }
    if (name === 'sqrt') {
      this.optionalArgument();
      return `√${wrap(this.argument())}`;
    }
    if (name === 'mathbb' || name === 'mathbbm') {
      const arg = this.argument();
      return [...arg].map((ch) => DOUBLE_STRUCK[ch] ?? ch).join('');
    }
    if (name === 'mathcal') return this.argument();
    if (name === 'unicode') {
      const code = this.argument().trim();
      const value = code.startsWith('x') ? parseInt(code.slice(1), 16) : parseInt(code, 10);
      return Number.isInteger(value) && value > 0 && value <= 0x10ffff ? String.fromCodePoint(value) : '';
    }
    const accent = ACCENTS[name];
    if (accent) {
      const arg = this.argument();
      return [...arg].length === 1 ? arg + accent : arg;
    }
    if (STYLE.has(name)) return this.argument();
    if (SILENT.has(name)) {
      // \left( keeps its delimiter; \left. is an invisible one.
      if ((name === 'left' || name === 'right' || name === 'middle') && this.src[this.i] === '.') this.i++;
      return '';
    }
    return SYMBOLS[name] ?? name;
  }
}

function script(arg: string, table: Map<string, string>, mark: '^' | '_'): string {
  if (mark === '^' && (arg === '∘' || arg === 'o' || arg === '°')) return '°';
  if (mark === '^' && (arg === '⊤' || arg === 'T')) return 'ᵀ';
  const chars = [...arg];
  if (chars.length > 0 && chars.every((ch) => table.has(ch)))
    return chars.map((ch) => table.get(ch)).join('');
  return chars.length <= 1 ? `${mark}${arg}` : `${mark}(${arg})`;
}

/** Operands of `/` and `√` keep their grouping visibly: (a+b)/2, √(n+1). */
function wrap(text: string): string {
  const t = text.trim();
  return /^[\p{L}\p{N}.′]+$/u.test(t) || /^\(.*\)$/.test(t) ? t : `(${t})`;
}
