import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { UpstreamError } from '../../errors.ts';
import { toPlexError } from './transport.ts';

const PART_KEY = /^\/library\/parts\/\d+\/\d+\/file\.[A-Za-z0-9]{1,8}$/;

/**
 * Streams a media part (`/library/parts/{id}/{ts}/file.{ext}?download=1`) to `destination`, through a
 * `.part` file renamed at the end, so a cut download never looks complete. Returns the bytes written.
 */
export async function downloadPart(
  options: { baseUrl: string; token: string; timeoutMs: number },
  partKey: string,
  destination: string,
  signal?: AbortSignal,
): Promise<number> {
  if (!PART_KEY.test(partKey)) throw new UpstreamError('plex', 'not_found', 'not a media part key');
  // Only the wait for the response is bounded by the timeout; the body may take as long as it takes.
  const waiting = new AbortController();
  const timer = setTimeout(
    () => waiting.abort(new DOMException('no answer', 'TimeoutError')),
    options.timeoutMs,
  );
  const response = await fetch(`${options.baseUrl}${partKey}?download=1`, {
    headers: { 'X-Plex-Token': options.token },
    signal: signal ? AbortSignal.any([signal, waiting.signal]) : waiting.signal,
  })
    .catch((error: unknown) => {
      throw toPlexError({ name: 'FetchError', cause: error instanceof Error ? error : undefined });
    })
    .finally(() => clearTimeout(timer));
  if (!response.ok || !response.body) throw toPlexError({ status: response.status });
  const temporary = `${destination}.part`;
  let bytes = 0;
  try {
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>, { signal });
    body.on('data', (chunk: Buffer) => (bytes += chunk.length));
    await pipeline(body, createWriteStream(temporary));
    await rename(temporary, destination);
    return bytes;
  } catch (error) {
    await rm(temporary, { force: true });
    throw signal?.aborted ? error : new UpstreamError('plex', 'unreachable', 'download interrupted');
  }
}
