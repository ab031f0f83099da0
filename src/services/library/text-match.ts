/**
 * Text matching for autocomplete and name resolution: case- and accent-insensitive, prefix and word
 * matches first, then substring, then fuzzy (the query's letters in order). Pure, allocation-light:
 * it runs over 100,000+ entries per keystroke.
 */

const DIACRITICS = /\p{M}+/gu;
const SEPARATORS = /[^\p{L}\p{N}]+/gu;

/** "Beyoncé — Lemonade (2016)" → "beyonce lemonade 2016". */
export function normalize(text: string): string {
  return text.normalize('NFKD').replace(DIACRITICS, '').toLowerCase().replace(SEPARATORS, ' ').trim();
}

export const MATCH_TIER = { exact: 0, prefix: 1, words: 2, substring: 3, fuzzy: 4 } as const;
export type MatchTier = (typeof MATCH_TIER)[keyof typeof MATCH_TIER];

export interface Searchable {
  /** normalize(primary name), e.g. the track title alone. */
  name: string;
  /** ' ' + normalize(full label): the leading space makes word-prefix checks a single `includes`. */
  words: string;
  /** letterMask(words): lets the fuzzy tier skip most entries with one integer test. */
  mask: number;
}

/** One bit per letter a–z and one for any digit: a text can only contain the query's letters in order if it has them all. */
export function letterMask(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) mask |= 1 << (c - 97);
    else if (c >= 48 && c <= 57) mask |= 1 << 26;
  }
  return mask;
}

/** True when the letters of `query` appear in `text` in order (skipping spaces in the query). */
export function isSubsequence(query: string, text: string): boolean {
  let at = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c === 32) continue;
    at = text.indexOf(query[i] as string, at);
    if (at === -1) return false;
    at++;
  }
  return true;
}

/**
 * The best tier at which `entry` matches the normalised query `q` (with `qWords` its words, each
 * prefixed by a space), or -1. `fuzzy` enables the slowest tier.
 */
export function matchTier(
  entry: Searchable,
  q: string,
  qWords: readonly string[],
  fuzzy: boolean,
  qMask = 0,
): MatchTier | -1 {
  if (entry.name === q) return MATCH_TIER.exact;
  if (entry.name.startsWith(q)) return MATCH_TIER.prefix;
  let all = true;
  for (const word of qWords) {
    if (!entry.words.includes(word)) {
      all = false;
      break;
    }
  }
  if (all) return MATCH_TIER.words;
  if (entry.words.includes(q)) return MATCH_TIER.substring;
  if (fuzzy && (entry.mask & qMask) === qMask && isSubsequence(q, entry.words)) return MATCH_TIER.fuzzy;
  return -1;
}

export function queryWords(q: string): string[] {
  return q
    .split(' ')
    .filter(Boolean)
    .map((word) => ` ${word}`);
}

/** Sørensen–Dice similarity of letter pairs (0–1): how close a misspelled name is, for "did you mean". */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const pairs = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const pair = a.slice(i, i + 2);
    pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
  }
  let shared = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const pair = b.slice(i, i + 2);
    const count = pairs.get(pair) ?? 0;
    if (count > 0) {
      pairs.set(pair, count - 1);
      shared++;
    }
  }
  return (2 * shared) / (a.length + b.length - 2);
}
