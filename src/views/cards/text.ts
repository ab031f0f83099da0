import type { SKRSContext2D } from '@napi-rs/canvas';
import { font } from './fonts.ts';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Emoji (shown as emoji by default, or asked to be with U+FE0F), flags and skin tones, with their joiners. */
const EMOJI =
  /(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}\ufe0f|\p{Regional_Indicator}|\p{Emoji_Modifier})(?:\ufe0f|\u200d)*/gu;

/**
 * Text as a card can draw it: emoji (no colour emoji font is shipped: 10 MB) and control characters
 * removed, whitespace collapsed. The embed keeps the exact text.
 */
export function cardText(text: string): string {
  return text
    .replace(EMOJI, ' ')
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `text` cut at a grapheme boundary so that it, plus an ellipsis when cut, is at most `maxWidth` wide. */
export function ellipsize(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  const parts = Array.from(graphemes.segment(text), (s) => s.segment);
  let low = 0;
  let high = parts.length;
  // The longest prefix that fits, by binary search: measuring is the expensive part.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const candidate = `${parts.slice(0, mid).join('').trimEnd()}…`;
    if (ctx.measureText(candidate).width <= maxWidth) low = mid;
    else high = mid - 1;
  }
  return low === 0 ? '…' : `${parts.slice(0, low).join('').trimEnd()}…`;
}

/**
 * Draws one line of text no wider than `maxWidth`: at the largest size from `sizes` at which it fits whole,
 * else at the smallest size, ellipsized. Returns the width drawn.
 */
export function fitText(
  ctx: SKRSContext2D,
  text: string,
  x: number,
  y: number,
  maxWidth: number,
  style: { weight: 400 | 600 | 700; sizes: readonly number[]; color: string; align?: 'left' | 'right' },
): number {
  let line = text;
  for (const [i, size] of style.sizes.entries()) {
    ctx.font = font(style.weight, size);
    if (ctx.measureText(text).width <= maxWidth) break;
    if (i === style.sizes.length - 1) line = ellipsize(ctx, text, maxWidth);
  }
  ctx.fillStyle = style.color;
  ctx.textAlign = style.align ?? 'left';
  ctx.fillText(line, x, y);
  const width = ctx.measureText(line).width;
  ctx.textAlign = 'left';
  return width;
}

/** Small capitals-style label: upper case with letter spacing. Returns its width. */
export function label(
  ctx: SKRSContext2D,
  text: string,
  x: number,
  y: number,
  color: string,
  size = 15,
): number {
  ctx.font = font(600, size);
  ctx.letterSpacing = '2px';
  ctx.fillStyle = color;
  ctx.textAlign = 'left';
  ctx.fillText(text.toUpperCase(), x, y);
  const width = ctx.measureText(text.toUpperCase()).width;
  ctx.letterSpacing = '0px';
  return width;
}

/** 1234567 → "1,234,567": plays and track counts on a card. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
