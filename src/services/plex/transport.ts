import { X_PLEX_IDENTIFIER } from '@ctrl/plex';
import { deadlineError, UpstreamError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { VERSION } from '../../version.ts';
import { readBody } from '../http-body.ts';
import { readListPage } from './list-page.ts';
import { itemContainer } from './schema.ts';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete';

/**
 * The largest answers Plex may send: a page of a paged list (5,000 full tracks are 6 to 12 MB) and any other
 * call (one item, sections, search, a write's answer). Beyond them the body is refused as it arrives.
 */
export const MAX_PAGE_BYTES = 32 * 1024 * 1024;
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * Maps fetch failures and HTTP statuses to UpstreamError kinds. Only the status and error codes are
 * kept: the request URL can carry the token.
 */
export function toPlexError(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const e = error as {
    name?: string;
    status?: number;
    cause?: { name?: string; code?: string; cause?: { code?: string } };
  };
  const status = e?.status;
  if (typeof status === 'number' && status > 0) {
    if (status === 401 || status === 403)
      return new UpstreamError('plex', 'unauthorized', `HTTP ${status}`, status);
    if (status === 404) return new UpstreamError('plex', 'not_found', `HTTP ${status}`, status);
    if (status === 408 || status === 504)
      return new UpstreamError('plex', 'timeout', `HTTP ${status}`, status);
    return new UpstreamError('plex', 'bad_response', `HTTP ${status}`, status);
  }
  const cause = e?.cause;
  if (cause?.name === 'TimeoutError' || cause?.name === 'AbortError' || e?.name === 'TimeoutError') {
    return new UpstreamError('plex', 'timeout', 'timed out');
  }
  const code = cause?.code ?? cause?.cause?.code;
  if (code || e?.name === 'FetchError')
    return new UpstreamError('plex', 'unreachable', code ?? 'fetch failed');
  return new UpstreamError('plex', 'bad_response', error instanceof Error ? error.name : 'unknown failure');
}

/**
 * What every Plex call goes through: token header, JSON, errors mapped, and ONE deadline for the whole
 * exchange. @ctrl/plex's query (ofetch) clears its timer once the headers arrive, and undici then waits up
 * to 300 s for a stalled body; here the signal stays armed until the last byte is read.
 */
export function createPlexTransport(options: {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  logger: Logger;
}) {
  const logger = options.logger.child({ svc: 'plex' });
  const headers = {
    Accept: 'application/json',
    'X-Plex-Token': options.token,
    'X-Plex-Product': 'Autoalex',
    'X-Plex-Version': VERSION,
    'X-Plex-Client-Identifier': X_PLEX_IDENTIFIER,
  };

  /** One exchange, the body as bytes (at most `maxBytes`), every failure mapped and logged without the URL. */
  async function exchange(path: string, method: HttpMethod, maxBytes: number): Promise<Buffer> {
    const started = performance.now();
    const route = path.split('?')[0];
    const deadline = AbortSignal.timeout(options.timeoutMs);
    try {
      // As @ctrl/plex did: the path replaces any path of the base URL.
      const response = await fetch(new URL(path, options.baseUrl), {
        method: method.toUpperCase(),
        headers,
        signal: deadline,
      });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw toPlexError({ status: response.status });
      }
      const bytes = await readBody(response, { service: 'plex', maxBytes, what: route });
      logger.debug({ method, path: route, ms: Math.round(performance.now() - started) }, 'plex call');
      return bytes;
    } catch (error) {
      const mapped = deadline.aborted ? deadlineError('plex', options.timeoutMs) : toPlexError(error);
      logger.warn(
        { method, path: route, kind: mapped.kind, status: mapped.status, detail: mapped.message },
        'plex call failed',
      );
      throw mapped;
    }
  }

  async function request(
    path: string,
    method: HttpMethod = 'get',
    maxBytes = MAX_ANSWER_BYTES,
  ): Promise<unknown> {
    return parseJson((await exchange(path, method, maxBytes)).toString('utf8'));
  }

  function parse<T>(
    schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
    body: unknown,
    what: string,
  ): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new UpstreamError('plex', 'bad_response', `${what}: unexpected body`);
    return parsed.data;
  }

  /**
   * Walks a paged list endpoint (`X-Plex-Container-Start/Size`) until Plex's totalSize is reached, handing
   * each page's raw `Metadata` to `onPage` with the total Plex announced. `query` is the rest of the query
   * string, already encoded. With `itemByItem`, each page is read item by item (readListPage): for long
   * walks whose items are dropped as soon as they are read.
   */
  async function walkPages(
    path: string,
    query: string,
    pageSize: number,
    onPage: (raw: unknown[], total: number, first: boolean) => void | Promise<void>,
    options: { itemByItem?: boolean } = {},
  ) {
    for (let start = 0; ; start += pageSize) {
      const paging = `X-Plex-Container-Start=${start}&X-Plex-Container-Size=${pageSize}`;
      const url = `${path}?${paging}${query ? `&${query}` : ''}`;
      let container: { size?: number; totalSize?: number; Metadata?: unknown[] };
      let raw: unknown[];
      if (options.itemByItem) {
        const page = readListPage(await exchange(url, 'get', MAX_PAGE_BYTES), path);
        container = parse(itemContainer, page.container, path).MediaContainer;
        raw = page.items;
      } else {
        container = parse(itemContainer, await request(url, 'get', MAX_PAGE_BYTES), path).MediaContainer;
        raw = container.Metadata ?? [];
      }
      const total = container.totalSize ?? container.size ?? raw.length;
      await onPage(raw, total, start === 0);
      if (raw.length < pageSize || start + raw.length >= total) return;
    }
  }

  return { request, parse, walkPages, logger };
}

export type PlexTransport = ReturnType<typeof createPlexTransport>;

/** JSON when it is JSON; otherwise the text itself (an empty write answer, an HTML page), for the schema to refuse. */
function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
