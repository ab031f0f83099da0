import type { ServerResponse } from 'node:http';
import type { RecordedHttpRequest } from '../http-fake.ts';
import type { LibItem } from '../library.ts';
import { itemJson } from './items.ts';
import { paging } from './query.ts';
import type { PlexState } from './state.ts';
import { toXml } from './xml.ts';

export type Body = { MediaContainer: Record<string, unknown> };

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found' };

/** Plex answers errors with a small HTML page, whatever the Accept header. */
export function htmlError(res: ServerResponse, status: 400 | 401 | 404): void {
  const text = STATUS_TEXT[status] as string;
  res.writeHead(status, { 'content-type': 'text/html' });
  res.end(`<html><head><title>${text}</title></head><body><h1>${status} ${text}</h1></body></html>`);
}

/** JSON with `Accept: application/json`, XML otherwise (Plex's default). */
export function send(
  res: ServerResponse,
  req: RecordedHttpRequest,
  body: Body,
  headers: Record<string, string> = {},
): void {
  const accept = req.headers.accept ?? '';
  const json = accept.includes('application/json');
  res.writeHead(200, {
    'content-type': json ? 'application/json' : 'text/xml;charset=utf-8',
    'x-plex-protocol': '1.0',
    ...headers,
  });
  res.end(json ? JSON.stringify(body) : toXml(body));
}

export function empty(res: ServerResponse, status: 200 | 204 = 200): void {
  res.writeHead(status, { 'x-plex-protocol': '1.0' });
  res.end();
}

/**
 * A list container, paged when the client sent X-Plex-Container-Start/Size (then with totalSize and offset,
 * and the matching response headers); `excludeElements` and `excludeFields` (comma-separated names, as Plex
 * documents them) drop those child arrays and attributes from every item. An empty list has no `Metadata`
 * key at all, as in real Plex JSON.
 */
export function sendItems(
  state: PlexState,
  res: ServerResponse,
  req: RecordedHttpRequest,
  fields: Record<string, unknown>,
  items: LibItem[],
  decorate?: (json: Record<string, unknown>, item: LibItem, position: number) => void,
): void {
  const page = paging(req);
  const start = page?.start ?? 0;
  const slice = page ? items.slice(start, start + page.size) : items;
  const guids = req.query.includeGuids === '1';
  const excluded = [req.query.excludeElements, req.query.excludeFields]
    .flatMap((list) => list?.split(',') ?? [])
    .map((name) => name.trim())
    .filter(Boolean);
  const metadata = slice.map((item, i) => {
    const json = itemJson(state, item, { guids });
    decorate?.(json, item, start + i);
    for (const name of excluded) delete json[name];
    return json;
  });
  send(
    res,
    req,
    {
      MediaContainer: {
        size: slice.length,
        ...(page ? { totalSize: items.length, offset: start } : {}),
        ...fields,
        ...(metadata.length ? { Metadata: metadata } : {}),
      },
    },
    page
      ? { 'X-Plex-Container-Start': String(start), 'X-Plex-Container-Total-Size': String(items.length) }
      : {},
  );
}
