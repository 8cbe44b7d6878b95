/**
 * The Porter (1980) stemmer, in the variant SQLite's FTS5 `porter` tokenizer applies, so that terms
 * computed here (for re-ranking, similar papers and document frequencies read from the index)
 * are the very terms the index holds. Like FTS5 it works on UTF-8 bytes, leaves tokens shorter
 * than 3 or longer than 64 bytes alone, and treats every non-ASCII byte as a consonant.
 */

const MAX_TOKEN_BYTES = 64;

function isVowel(word: string, i: number, previousIsConsonant: boolean): boolean {
  const c = word[i];
  return c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u' || (c === 'y' && previousIsConsonant);
}

/** Consonant flags, where `y` after a consonant counts as a vowel. */
function consonants(stem: string, firstFollowsConsonant = false): boolean[] {
  const flags: boolean[] = [];
  let consonant = firstFollowsConsonant;
  for (let i = 0; i < stem.length; i++) {
    consonant = !isVowel(stem, i, consonant);
    flags.push(consonant);
  }
  return flags;
}

/** Porter's measure m: the number of vowel-consonant sequences in [C](VC)^m[V]. */
function measure(stem: string): number {
  let m = 0;
  let sawVowel = false;
  for (const consonant of consonants(stem)) {
    if (!consonant) sawVowel = true;
    else if (sawVowel) {
      m++;
      sawVowel = false;
    }
  }
  return m;
}

function hasVowel(stem: string): boolean {
  return consonants(stem).some((c) => !c);
}

/** *o: the stem ends consonant-vowel-consonant, the last not w, x or y. */
function endsCvc(stem: string): boolean {
  const last = stem[stem.length - 1];
  if (stem.length < 3 || last === 'w' || last === 'x' || last === 'y') return false;
  const flags = consonants(stem);
  const n = flags.length;
  return flags[n - 3] === true && flags[n - 2] === false && flags[n - 1] === true;
}

type Condition = (stem: string) => boolean;
const mGt0: Condition = (stem) => measure(stem) > 0;
const mGt1: Condition = (stem) => measure(stem) > 1;
const mGt1AndSOrT: Condition = (stem) => /[st]$/.test(stem) && measure(stem) > 1;

/**
 * Rules are grouped by the word's last-but-one letter, as FTS5 does: only the first suffix of the
 * group that matches (with a non-empty stem) is considered, whether or not its condition holds.
 */
type Rule = [suffix: string, replacement: string, condition: Condition];

function applyFirst(word: string, rules: readonly Rule[]): string {
  const group = rules.filter(([suffix]) => suffix[suffix.length - 2] === word[word.length - 2]);
  for (const [suffix, replacement, condition] of group) {
    if (word.length > suffix.length && word.endsWith(suffix)) {
      const stem = word.slice(0, -suffix.length);
      return condition(stem) ? stem + replacement : word;
    }
  }
  return word;
}

const STEP2: Rule[] = [
  ['ational', 'ate', mGt0],
  ['tional', 'tion', mGt0],
  ['enci', 'ence', mGt0],
  ['anci', 'ance', mGt0],
  ['izer', 'ize', mGt0],
  ['logi', 'log', mGt0],
  ['bli', 'ble', mGt0],
  ['alli', 'al', mGt0],
  ['entli', 'ent', mGt0],
  ['eli', 'e', mGt0],
  ['ousli', 'ous', mGt0],
  ['ization', 'ize', mGt0],
  ['ation', 'ate', mGt0],
  ['ator', 'ate', mGt0],
  ['alism', 'al', mGt0],
  ['iveness', 'ive', mGt0],
  ['fulness', 'ful', mGt0],
  ['ousness', 'ous', mGt0],
  ['aliti', 'al', mGt0],
  ['iviti', 'ive', mGt0],
  ['biliti', 'ble', mGt0],
];

const STEP3: Rule[] = [
  ['ical', 'ic', mGt0],
  ['ness', '', mGt0],
  ['icate', 'ic', mGt0],
  ['iciti', 'ic', mGt0],
  ['ful', '', mGt0],
  ['ative', '', mGt0],
  ['alize', 'al', mGt0],
];

const STEP4: Rule[] = [
  ['al', '', mGt1],
  ['ance', '', mGt1],
  ['ence', '', mGt1],
  ['er', '', mGt1],
  ['ic', '', mGt1],
  ['able', '', mGt1],
  ['ible', '', mGt1],
  ['ant', '', mGt1],
  ['ement', '', mGt1],
  ['ment', '', mGt1],
  ['ent', '', mGt1],
  ['ion', '', mGt1AndSOrT],
  ['ou', '', mGt1],
  ['ism', '', mGt1],
  ['ate', '', mGt1],
  ['iti', '', mGt1],
  ['ous', '', mGt1],
  ['ive', '', mGt1],
  ['ize', '', mGt1],
];

function step1a(word: string): string {
  if (!word.endsWith('s')) return word;
  if ((word.length > 4 && word.endsWith('sses')) || (word.length > 3 && word.endsWith('ies'))) {
    return word.slice(0, -2);
  }
  if (word.endsWith('ss')) return word;
  return word.slice(0, -1);
}

function step1b(word: string): string {
  if (word.length > 3 && word.endsWith('eed')) {
    const stem = word.slice(0, -3);
    return mGt0(stem) ? stem + 'ee' : word;
  }
  const suffix = word.endsWith('ed') ? 'ed' : word.endsWith('ing') ? 'ing' : null;
  if (!suffix || word.length <= suffix.length) return word;
  const stem = word.slice(0, -suffix.length);
  if (!hasVowel(stem)) return word;
  if (stem.length > 2 && /(?:at|bl|iz)$/.test(stem)) return stem + 'e';
  const last = stem[stem.length - 1];
  if (stem.length > 1 && last === stem[stem.length - 2] && !/[aeioulsz]/.test(last ?? '')) {
    return stem.slice(0, -1);
  }
  return measure(stem) === 1 && endsCvc(stem) ? stem + 'e' : stem;
}

function step1c(word: string): string {
  return word.endsWith('y') && hasVowel(word.slice(0, -1)) ? word.slice(0, -1) + 'i' : word;
}

function step5(word: string): string {
  if (word.endsWith('e')) {
    const stem = word.slice(0, -1);
    const m = measure(stem);
    if (m > 1 || (m === 1 && !endsCvc(stem))) word = stem;
  }
  if (word.endsWith('ll') && measure(word.slice(0, -1)) > 1) word = word.slice(0, -1);
  return word;
}

function stemBytes(word: string): string {
  if (word.length < 3 || word.length > MAX_TOKEN_BYTES) return word;
  let w = step1b(step1a(word));
  w = step1c(w);
  w = applyFirst(w, STEP2);
  w = applyFirst(w, STEP3);
  w = applyFirst(w, STEP4);
  return step5(w);
}

// Any character past U+007F makes the UTF-8 bytes differ from the characters.
const NON_ASCII = /[^\p{ASCII}]/u;

/** Stems one lower-case token exactly as FTS5's porter tokenizer would. */
export function porterStem(token: string): string {
  if (!NON_ASCII.test(token)) return stemBytes(token);
  // FTS5 sees UTF-8 bytes; a latin1 string holds one byte per character, so lengths and suffixes line up.
  return Buffer.from(stemBytes(Buffer.from(token, 'utf8').toString('latin1')), 'latin1').toString('utf8');
}
