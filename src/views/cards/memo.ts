import { createHash } from 'node:crypto';

/** Cards kept: a page press, a second look or a refresh re-renders the same card. */
const MAX_CARDS = 16;

const rendered = new Map<string, Promise<Buffer>>();

const digest = (data: Buffer) => `img:${createHash('sha1').update(data).digest('hex')}`;

/** The input with each cover replaced by its digest (JSON.stringify would turn its bytes into a list first). */
function withDigests(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return digest(value);
  if (Array.isArray(value)) return value.map(withDigests);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withDigests(v)]));
  return value;
}

function keyOf(kind: string, input: unknown): string {
  return createHash('sha1')
    .update(kind)
    .update(JSON.stringify(withDigests(input)))
    .digest('hex');
}

/**
 * `render(input)`, or the same card drawn for an equal input a moment ago (a card is a pure function of its
 * input, covers included). Drawing one takes tens of milliseconds; a page press of a completion card redraws
 * the very same card, since an edit replaces the message's attachments.
 */
export function memoCard<T>(kind: string, input: T, render: (input: T) => Promise<Buffer>): Promise<Buffer> {
  const key = keyOf(kind, input);
  const known = rendered.get(key);
  if (known) {
    rendered.delete(key);
    rendered.set(key, known);
    return known;
  }
  const drawing = render(input);
  rendered.set(key, drawing);
  drawing.catch(() => rendered.delete(key));
  while (rendered.size > MAX_CARDS) rendered.delete(rendered.keys().next().value as string);
  return drawing;
}
