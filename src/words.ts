/**
 * Splits text into words, keeping "quoted phrases" (also `name:"quoted value"`) together without their
 * quotes. A quote counts only at the start of a word and before a space, so "Don't Stop" stays two words.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const word = /(?<=^|\s)([a-z_]+:)?(?:"([^"]*)"|'([^']*)')(?=\s|$)|\S+/g;
  for (const match of text.matchAll(word)) {
    const quoted = match[2] ?? match[3];
    tokens.push(quoted === undefined ? match[0] : (match[1] ?? '') + quoted);
  }
  return tokens;
}

/** "1 album", "3 albums". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "2 of 5 albums", "1 of 1 album": the noun agrees with the total. */
export function countOf(part: number, total: number, word: string): string {
  return `${part} of ${plural(total, word)}`;
}

/**
 * "Miles Davis's", "Björk's", but "The Beatles'": a band named in the plural ("The …s") takes only the
 * apostrophe, as English writes it.
 */
export function possessive(name: string): string {
  return /^the\s.+s$/i.test(name.trim()) ? `${name}'` : `${name}'s`;
}
