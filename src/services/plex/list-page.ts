import { UpstreamError } from '../../errors.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const METADATA = '"Metadata"';

/**
 * A page of a paged list (`{"MediaContainer":{…,"Metadata":[{…},{…}]}}`) read without making one string of
 * it: each Metadata item is parsed from its own bytes, and the container's other fields from what is left.
 * A page of 1,000 lean tracks is 300–700 KB of text; a string that size is born in V8's large-object space,
 * which only a full collection frees, so an index build of 500 pages left 150 MiB or more of dead page text
 * in the old generation. Items of a few hundred bytes die young instead.
 *
 * The scan only needs bytes: UTF-8 continuation bytes never equal a quote, brace or bracket.
 */
export function readListPage(bytes: Buffer, what: string): { container: unknown; items: unknown[] } {
  const items: unknown[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let stringStart = -1;
  let stringEnd = -1;
  let arrayOpen = -1;
  let arrayClose = -1;
  let itemStart = -1;
  try {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) {
          inString = false;
          stringEnd = i;
        }
        continue;
      }
      if (b === QUOTE) {
        inString = true;
        stringStart = i;
      } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
        // The container's Metadata array: `"Metadata"` then a colon, directly in MediaContainer.
        if (
          b === OPEN_ARRAY &&
          depth === 2 &&
          arrayOpen === -1 &&
          namesMetadata(bytes, stringStart, stringEnd, i)
        )
          arrayOpen = i;
        else if (b === OPEN_OBJECT && depth === 3 && arrayOpen !== -1 && arrayClose === -1) itemStart = i;
        depth++;
      } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        depth--;
        if (arrayOpen !== -1 && arrayClose === -1) {
          if (depth === 3 && b === CLOSE_OBJECT && itemStart !== -1) {
            items.push(JSON.parse(bytes.toString('utf8', itemStart, i + 1)));
            itemStart = -1;
          } else if (depth === 2 && b === CLOSE_ARRAY) arrayClose = i;
        }
      }
    }
    if (arrayOpen === -1 || arrayClose === -1 || depth !== 0 || inString) {
      // No Metadata (an empty section) or not the usual shape: parse it whole, as any other answer.
      const body = JSON.parse(bytes.toString('utf8')) as { MediaContainer?: { Metadata?: unknown } };
      const whole = body?.MediaContainer?.Metadata;
      return { container: body, items: Array.isArray(whole) ? (whole as unknown[]) : [] };
    }
    const rest = `${bytes.toString('utf8', 0, arrayOpen)}[]${bytes.toString('utf8', arrayClose + 1)}`;
    return { container: JSON.parse(rest) as unknown, items };
  } catch {
    throw new UpstreamError('plex', 'bad_response', `${what}: unexpected body`);
  }
}

/** Whether the last string before `at` is the key "Metadata", followed by only a colon and spaces. */
function namesMetadata(bytes: Buffer, start: number, end: number, at: number): boolean {
  if (end - start + 1 !== METADATA.length || bytes.toString('latin1', start, end + 1) !== METADATA)
    return false;
  for (let i = end + 1; i < at; i++) {
    const b = bytes[i] as number;
    if (b !== 0x3a && b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  }
  return true;
}
