import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { UpstreamError } from '../../errors.ts';
import { toPlexError } from './transport.ts';

const PART_KEY = /^\/library\/parts\/\d+\/\d+\/file\.[A-Za-z0-9]{1,8}$/;
/**
 * The slowest average a download may keep (a 50 MB FLAC in about 8 minutes): below it, a body that drips a
 * few bytes at a time is cut. Without a content-length, MAX_DOWNLOAD_MS is the limit.
 */
const MIN_BYTES_PER_S = 100 * 1024;
const MAX_DOWNLOAD_MS = 30 * 60_000;

/**
 * Streams a media part (`/library/parts/{id}/{ts}/file.{ext}?download=1`) to `destination`, through a
 * `.part` file renamed at the end, so a cut download never looks complete. Returns the bytes written.
 * Three limits end it as a timeout: no headers within `timeoutMs`, no bytes for `timeoutMs` (a stalled
 * body), and the whole body slower than MIN_BYTES_PER_S (a dripping one).
 */
export async function downloadPart(
  options: { baseUrl: string; token: string; timeoutMs: number },
  partKey: string,
  destination: string,
  signal?: AbortSignal,
): Promise<number> {
  if (!PART_KEY.test(partKey)) throw new UpstreamError('plex', 'not_found', 'not a media part key');
  const late = new AbortController();
  const expire = () => late.abort(new DOMException('too slow', 'TimeoutError'));
  let idle = setTimeout(expire, options.timeoutMs);
  let whole: NodeJS.Timeout | undefined;
  const both = signal ? AbortSignal.any([signal, late.signal]) : late.signal;
  const temporary = `${destination}.part`;
  let bytes = 0;
  try {
    const response = await fetch(`${options.baseUrl}${partKey}?download=1`, {
      headers: { 'X-Plex-Token': options.token },
      signal: both,
    }).catch((error: unknown) => {
      if (late.signal.aborted) throw error;
      throw toPlexError({ name: 'FetchError', cause: error instanceof Error ? error : undefined });
    });
    if (!response.ok || !response.body) throw toPlexError({ status: response.status });
    const length = Number(response.headers.get('content-length'));
    const budget = length > 0 ? options.timeoutMs + (length / MIN_BYTES_PER_S) * 1000 : MAX_DOWNLOAD_MS;
    whole = setTimeout(expire, budget);
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>, { signal: both });
    body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      clearTimeout(idle);
      idle = setTimeout(expire, options.timeoutMs);
    });
    await pipeline(body, createWriteStream(temporary));
    await rename(temporary, destination);
    return bytes;
  } catch (error) {
    await rm(temporary, { force: true });
    if (signal?.aborted || error instanceof UpstreamError) throw error;
    if (late.signal.aborted) throw new UpstreamError('plex', 'timeout', 'download stalled or too slow');
    throw new UpstreamError('plex', 'unreachable', 'download interrupted');
  } finally {
    clearTimeout(idle);
    clearTimeout(whole);
  }
}
