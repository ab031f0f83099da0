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
  | { kind: 'lost-answer' }; // the request takes effect, but its answer never comes (the connection stays open)

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
    case 'none':
      break;
  }
  await handler(recorded, res);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
