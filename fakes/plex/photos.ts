import type { ServerResponse } from 'node:http';
import type { FailureMode, RecordedHttpRequest } from '../http-fake.ts';
import { artPng } from '../png.ts';
import { htmlError } from './respond.ts';
import type { PlexState } from './state.ts';

/**
 * `GET /photo/:/transcode?width=&height=&url=<thumb path>`: Plex's photo transcoder, serving a generated
 * cover (a real PNG, different per item) of the asked size for any item of the library. Per item (the
 * rating key in the thumb path) it can misbehave like the whole fake can: set `coverFailures`.
 */

export const PHOTO_PATH = '/photo/:/transcode';

/** Largest side the fake draws: real thumbnails for cards are a few hundred pixels. */
const MAX_SIDE = 600;
const THUMB = /^\/library\/metadata\/(\d+)\/(?:thumb|art)\/\d+$/;

export async function photo(
  state: PlexState,
  failures: ReadonlyMap<string, FailureMode>,
  cache: Map<string, Buffer>,
  req: RecordedHttpRequest,
  res: ServerResponse,
): Promise<void> {
  const key = THUMB.exec(req.query.url ?? '')?.[1];
  if (!key || !state.lib.byKey.has(key)) return htmlError(res, 404);
  const failure = failures.get(key) ?? { kind: 'none' };
  switch (failure.kind) {
    case 'down':
      res.socket?.destroy();
      return;
    case 'status':
      res.writeHead(failure.status, { 'content-type': failure.contentType ?? 'text/html' });
      res.end(failure.body ?? '');
      return;
    case 'malformed':
      // Says JPEG, is not: the renderer must fall back to a placeholder.
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end('<html><body>not an image</body></html>');
      return;
    case 'slow':
      await new Promise((resolve) => setTimeout(resolve, failure.delayMs));
      if (res.destroyed) return;
      break;
    case 'none':
      break;
  }
  const side = (name: string) => Math.min(MAX_SIDE, Math.max(1, Number(req.query[name]) || 200));
  const width = side('width');
  const height = side('height');
  const id = `${key}@${width}x${height}`;
  let png = cache.get(id);
  if (!png) {
    png = artPng(width, height, Number(key));
    cache.set(id, png);
  }
  res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) });
  res.end(png);
}
