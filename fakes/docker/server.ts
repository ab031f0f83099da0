import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { STATUS_CODES, createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FailureMode } from '../http-fake.ts';
import { engineHeaders } from './engine.ts';
import type { EngineReply } from './engine.ts';
import { plexContainer } from './plex-container.ts';
import { route } from './routes.ts';
import type { DockerFake, DockerRequest, FakeContainer } from './types.ts';

export interface DockerFakeOptions {
  /** Default: one `plexContainer()`. */
  containers?: FakeContainer[];
}

/**
 * A Docker Engine (27.5.1, API 1.47) on a unix socket and on 127.0.0.1 at once, serving the routes the
 * Plex health monitor uses: `/_ping`, `/version`, `/containers/json`, `/containers/{id}/json`,
 * `/containers/{id}/logs` and `POST /containers/{id}/restart`, each with or without a `/vX.YY` prefix,
 * and `{"message":"page not found"}` for anything else. Failure modes and `readOnly` apply to every route.
 */
export async function startDockerFake(opts: DockerFakeOptions = {}): Promise<DockerFake> {
  const dir = await mkdtemp(join(tmpdir(), 'docker-fake-'));
  const socketPath = join(dir, 'docker.sock');
  const requests: DockerRequest[] = [];
  let failure: FailureMode = { kind: 'none' };
  let servers: Server[] = [];
  let closed = false;
  let relistenError: unknown;
  const pending: Array<Promise<unknown>> = [];

  const onRequest = (via: DockerRequest['via']) => (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://docker');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query, via });
    req.resume();
    req.on('end', () => void respond(fake, req, res, url.pathname, query));
  };

  // A stopped daemon: the socket file disappears (ENOENT) and the port refuses (ECONNREFUSED). Both
  // happen synchronously, so a request made right after setting `down` already fails.
  const stop = (): void => {
    for (const server of servers) {
      pending.push(new Promise<void>((resolve) => server.close(() => resolve())));
      server.closeAllConnections();
    }
    servers = [];
    rmSync(socketPath, { force: true });
  };
  const listen = (port: number): Promise<number> => {
    rmSync(socketPath, { force: true });
    const unix = createServer(onRequest('unix'));
    const tcp = createServer(onRequest('tcp'));
    servers = [unix, tcp];
    const up = (server: Server, listening: (done: () => void) => void) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        listening(resolve);
      });
    return Promise.all([
      up(unix, (done) => unix.listen(socketPath, done)),
      up(tcp, (done) => tcp.listen(port, '127.0.0.1', done)),
    ]).then(() => (tcp.address() as AddressInfo).port);
  };

  const port = await listen(0);
  const fake: DockerFake = {
    socketPath,
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    containers: new Map((opts.containers ?? [plexContainer()]).map((c) => [c.name, c])),
    readOnly: false,
    restarts: [],
    get failure() {
      return failure;
    },
    set failure(mode: FailureMode) {
      const wasDown = failure.kind === 'down';
      failure = mode;
      if (closed || wasDown === (mode.kind === 'down')) return;
      if (wasDown) pending.push(listen(port).catch((err: unknown) => (relistenError = err)));
      else stop();
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled(pending);
      stop();
      await Promise.allSettled(pending);
      await rm(dir, { recursive: true, force: true });
      if (relistenError) throw relistenError;
    },
  };
  return fake;
}

async function respond(
  fake: DockerFake,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: Record<string, string>,
): Promise<void> {
  const failure = fake.failure;
  switch (failure.kind) {
    case 'down': // in flight while the daemon went away
      req.socket.destroy();
      return;
    case 'status':
      return send(res, statusReply(failure.status, failure.body, failure.contentType));
    case 'slow':
      await new Promise((resolve) => setTimeout(resolve, failure.delayMs));
      if (res.destroyed || req.socket.destroyed) return;
      break;
    case 'malformed':
    case 'none':
      break;
  }
  const reply = route(fake, req.method ?? 'GET', path, query);
  send(res, failure.kind === 'malformed' ? malformed(reply) : reply);
}

function send(res: ServerResponse, reply: EngineReply): void {
  res.writeHead(reply.status, reply.headers);
  if (reply.keepOpen) res.write(reply.body);
  else res.end(reply.body);
}

/** The engine answering an error; without a body, in Docker's `{"message": ...}` shape. */
function statusReply(status: number, body?: string, contentType?: string): EngineReply {
  const message = JSON.stringify({ message: STATUS_CODES[status] ?? `HTTP ${status}` });
  return {
    status,
    headers: {
      ...engineHeaders(),
      'Content-Type': contentType ?? (body === undefined ? 'application/json' : 'text/plain; charset=utf-8'),
    },
    body: Buffer.from(body ?? `${message}\n`),
  };
}

/** 200 with the real body cut in half: truncated JSON, a multiplexed frame cut short, "O" for "OK". */
function malformed(reply: EngineReply): EngineReply {
  const body =
    reply.body.length > 0 ? reply.body.subarray(0, Math.ceil(reply.body.length / 2)) : Buffer.from('{');
  return { status: 200, headers: { 'Content-Type': 'application/json', ...reply.headers }, body };
}
