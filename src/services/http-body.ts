import { UPSTREAM_SERVICES, UpstreamError } from '../errors.ts';
import type { UpstreamService } from '../errors.ts';

/**
 * Reads a fetch response's whole body, chunk by chunk, under the request's own signal (a stalled or
 * dripping body ends with the request's deadline). Refuses a body larger than `maxBytes` as soon as it
 * grows past it, before it is held in memory or parsed.
 */
export async function readBody(
  response: Response,
  options: { service: UpstreamService; maxBytes?: number; what?: string },
): Promise<Buffer> {
  const max = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLargeError(options.service, max, options.what);
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLargeError(options.service, max, options.what);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/**
 * An answer refused for its size (a 150 MB activity or allLeaves would hold the event loop for seconds and
 * take most of a small container's memory). `what` (a route or command, no query) is for the log.
 */
export function tooLargeError(service: UpstreamService, maxBytes: number, what = 'a request'): UpstreamError {
  const mb = Math.round(maxBytes / 1024 / 1024);
  return new UpstreamError(
    service,
    'bad_response',
    `answer to ${what} over ${maxBytes} bytes`,
    undefined,
    `${UPSTREAM_SERVICES[service]} sent more than ${mb} MB for one request, more than Autoalex accepts. An admin can find which request in the logs.`,
  );
}
