import { createServer, ServerResponse as DetachedResponse } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How a fake misbehaves on purpose, to test the bot's handling of each failure. */
export type FailureMode =
  | { kind: 'none' }
  | { kind: 'down' } // the connection is cut without an answer
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'malformed' } // 200 with a body that is not what the API sends
  | { kind: 'lost-answer' } // the request takes effect, but its answer never comes (the connection stays open)
  // The real answer's status and headers at once, then half its body, then nothing (the connection stays open).
  | { kind: 'stall-body' }
  // The real answer's status and headers at once, then its body `bytes` bytes (default 1) every `intervalMs`.
  | { kind: 'drip'; intervalMs: number; bytes?: number }
  // 200 JSON, chunked, whose body is `bytes` long (one long string), sent as fast as the client reads it.
  | { kind: 'flood'; bytes: number };

export interface RecordedHttpRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: RecordedHttpRequest, res: ServerResponse) => void | Promise<void>;

export interface HttpFake {
  readonly url: string;
  readonly requests: RecordedHttpRequest[];
  failure: FailureMode;
  /** Fails only some requests (e.g. every DELETE), to break a sequence of calls in the middle. */
  failureFor: ((req: RecordedHttpRequest) => FailureMode | undefined) | undefined;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 with a request log and switchable failure modes. */
export async function startHttpFake(handler: Handler): Promise<HttpFake> {
  const requests: RecordedHttpRequest[] = [];
  const fake = {
    failure: { kind: 'none' } as FailureMode,
    failureFor: undefined as HttpFake['failureFor'],
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded: RecordedHttpRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      void respond(fake.failureFor?.(recorded) ?? fake.failure, recorded, req, res, handler);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

async function respond(
  failure: FailureMode,
  recorded: RecordedHttpRequest,
  req: IncomingMessage,
  res: ServerResponse,
  handler: Handler,
): Promise<void> {
  switch (failure.kind) {
    case 'down':
      req.socket.destroy();
      return;
    case 'status':
      res.writeHead(failure.status, { 'content-type': failure.contentType ?? 'text/plain' });
      res.end(failure.body ?? '');
      return;
    case 'malformed':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html><body>502 Bad Gateway from a proxy</body></html>');
      return;
    case 'lost-answer':
      // The handler writes its answer into a response attached to no socket: state changes, nothing is sent.
      await handler(recorded, new DetachedResponse(req));
      return;
    case 'slow':
      await new Promise((resolve) => setTimeout(resolve, failure.delayMs));
      if (res.destroyed || req.socket.destroyed) return;
      break;
    case 'stall-body':
    case 'drip':
      await handler(recorded, heldBack(res, failure));
      return;
    case 'flood':
      flood(res, failure.bytes);
      return;
    case 'none':
      break;
  }
  await handler(recorded, res);
}

/**
 * Lets the handler answer as usual, but sends its body slowly: the status and headers go out at once (so a
 * client's wait for the headers is over), then the body is held back ('stall-body': half of it, then nothing;
 * 'drip': a few bytes per interval until it is all sent).
 */
function heldBack(
  res: ServerResponse,
  failure: { kind: 'stall-body' } | { kind: 'drip'; intervalMs: number; bytes?: number },
): ServerResponse {
  const write = res.write.bind(res) as (chunk: Buffer) => boolean;
  const end = res.end.bind(res) as (chunk?: Buffer) => ServerResponse;
  const chunks: Buffer[] = [];
  const collect = (chunk: unknown) => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  res.write = ((chunk: unknown) => {
    collect(chunk);
    return true;
  }) as ServerResponse['write'];
  res.end = ((chunk?: unknown) => {
    collect(chunk);
    const body = Buffer.concat(chunks);
    res.flushHeaders();
    if (failure.kind === 'stall-body') {
      write(body.subarray(0, Math.floor(body.length / 2)));
      return res;
    }
    const step = failure.bytes ?? 1;
    let sent = 0;
    const timer = setInterval(() => {
      const next = body.subarray(sent, sent + step);
      sent += next.length;
      if (sent >= body.length) {
        clearInterval(timer);
        end(next);
      } else write(next);
    }, failure.intervalMs);
    res.on('close', () => clearInterval(timer));
    return res;
  }) as ServerResponse['end'];
  return res;
}

/** A huge JSON answer, written as fast as the client drains it (a 150 MB activity or allLeaves). */
function flood(res: ServerResponse, bytes: number): void {
  const head = '{"pad":"';
  const tail = '"}';
  const chunk = Buffer.alloc(64 * 1024, 'x');
  // Chunked, with no content-length to refuse it by up front: the client has to count as it reads.
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(head);
  let left = bytes - head.length - tail.length;
  const pump = () => {
    while (left > 0) {
      const next = chunk.subarray(0, Math.min(chunk.length, left));
      left -= next.length;
      if (!res.write(next)) return void res.once('drain', pump);
    }
    res.end(tail);
  };
  res.on('close', () => (left = 0));
  pump();
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
