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
