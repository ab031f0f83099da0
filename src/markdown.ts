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
