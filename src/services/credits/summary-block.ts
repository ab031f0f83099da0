/**
 * The credits live in a clearly delimited block inside the Plex album summary, so running enrich again
 * replaces the block instead of adding a second one, and everything else in the summary stays as it was.
 */

export const BLOCK_START = '── Personnel (Autoalex) ──';
export const BLOCK_END = '── end of personnel ──';

const BLOCK = new RegExp(`\\n*${escape(BLOCK_START)}\\n[\\s\\S]*?\\n${escape(BLOCK_END)}\\n*`, 'g');

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The summary without any Autoalex block and the blank lines that separated it; the rest untouched. */
export function withoutBlock(summary: string): string {
  return summary.replace(BLOCK, (match: string, offset: number) =>
    offset === 0 || offset + match.length === summary.length ? '' : '\n\n',
  );
}

export function hasBlock(summary: string): boolean {
  return new RegExp(BLOCK.source).test(summary);
}

/** The summary with `credits` in the block, at the end (append) or the start (prepend). */
export function withBlock(summary: string, credits: string, mode: 'append' | 'prepend'): string {
  const rest = withoutBlock(summary);
  const block = `${BLOCK_START}\n${credits}\n${BLOCK_END}`;
  if (!rest) return block;
  return mode === 'append' ? `${rest}\n\n${block}` : `${block}\n\n${rest}`;
}
