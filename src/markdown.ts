/** Cuts text to `max` characters (code points), ending with an ellipsis when it had to cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return chars.slice(0, Math.max(0, max - 1)).join('') + '…';
}

/** Escapes Discord markdown in text that comes from a library or a user (titles, names). */
export function escapeMarkdown(text: string): string {
  // A single "|" is plain text (credits use it as a separator); only "||" starts a spoiler.
  return text
    .replace(/([\\*_~`[\]])/g, '\\$1')
    .replace(/\|\|/g, '\\|\\|')
    .replace(/^([#>-])/gm, '\\$1');
}

/** Control characters (a newline starts a heading or a quote) and the ones that reverse the text's direction. */
const UNPRINTABLE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gu;

/** What a user typed, on one line of at most `max` characters. */
const oneLine = (text: string, max: number): string => truncate(text.replace(UNPRINTABLE, ' ').trim(), max);

/** Text a user typed, echoed in a reply: one line, no markdown (a masked link stays text), at most `max` characters. */
export function quoteTyped(text: string, max = 80): string {
  return escapeMarkdown(oneLine(text, max));
}

/** Text a user typed, echoed as `inline code`: a backtick in it could close the span and let markdown through. */
export function codeTyped(text: string, max = 50): string {
  return `\`${oneLine(text, max).replace(/`/g, 'ˋ')}\``;
}
