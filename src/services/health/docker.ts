import type Docker from 'dockerode';
import { UpstreamError } from '../../errors.ts';
import { scrubSecrets } from '../../logger.ts';
import type { Logger } from '../../logger.ts';

/**
 * A small allow-list over the Docker Engine API: inspect one container, read its log tail, and restart it
 * (the monitor only calls restart when MONITOR_ALLOW_RESTART is on and an admin confirmed).
 */

export interface ContainerInfo {
  name: string;
  status: string;
  health: string | undefined;
  restartCount: number;
  exitCode: number;
  startedAt: string | undefined;
  finishedAt: string | undefined;
  error: string | undefined;
  image: string | undefined;
}

export interface DockerService {
  /** The container, or null when no container has that name. */
  inspect(name: string): Promise<ContainerInfo | null>;
  /** The last `lines` log lines (stdout and stderr, demultiplexed, ANSI codes removed). */
  logs(name: string, lines: number): Promise<string[]>;
  restart(name: string): Promise<void>;
}

/** `DOCKER_HOST` as Docker's CLI reads it: unix:///path, tcp://host:port (a socket proxy) or http(s)://. */
export function dockerConnection(dockerHost: string | undefined): Docker.DockerOptions {
  if (!dockerHost) return { socketPath: '/var/run/docker.sock' };
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
  return {
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 2376 : 2375)),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
  };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;

/**
 * Docker multiplexes non-TTY logs: frames of an 8-byte header (stream 1 or 2, three zero bytes, a
 * big-endian length) and the payload. TTY containers send plain text.
 */
export function demultiplex(buffer: Buffer): string {
  const looksFramed =
    buffer.length >= 8 && buffer[0]! <= 2 && buffer[1] === 0 && buffer[2] === 0 && buffer[3] === 0;
  if (!looksFramed) return buffer.toString('utf8');
  const parts: Buffer[] = [];
  for (let at = 0; at + 8 <= buffer.length;) {
    const size = buffer.readUInt32BE(at + 4);
    parts.push(buffer.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Log text as lines: ANSI colours removed, blank lines kept (they are lines of the log too). */
export function logLines(text: string): string[] {
  const lines = text.replace(ANSI, '').replace(/\r/g, '').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * How long a restart may take: Docker waits the container's stop timeout (10 s by default) before it kills a
 * process that ignores SIGTERM, then starts it again. The ordinary upstream timeout is far too short for that.
 */
export const RESTART_TIMEOUT_MS = 60_000;

type DockerCall = 'inspect' | 'logs' | 'restart';

/**
 * Docker errors in words an admin can act on. A timed-out call is destroyed by docker-modem without an error
 * of its own and surfaces as ECONNRESET, so a reset at or after the deadline counts as a timeout.
 */
function toDockerError(
  error: unknown,
  call: DockerCall,
  elapsedMs: number,
  timeoutMs: number,
  where: string,
): UpstreamError {
  const e = error as { statusCode?: number; code?: string; message?: string };
  const seconds = Math.round(timeoutMs / 1000);
  if (e?.statusCode === 404) return new UpstreamError('docker', 'not_found', 'no such container', 404);
  if (e?.statusCode === 401 || e?.statusCode === 403) {
    // Docker itself has no credentials: a 403 comes from a socket proxy that does not allow this call.
    const text =
      call === 'restart'
        ? `The Docker socket proxy at ${where} refuses restarts: allow writes on it (docker-socket-proxy: POST=1) or restart the container yourself.`
        : `The Docker socket proxy at ${where} refuses to read containers: allow it (docker-socket-proxy: CONTAINERS=1).`;
    return new UpstreamError('docker', 'unauthorized', `HTTP ${e.statusCode}`, e.statusCode, text);
  }
  if (typeof e?.statusCode === 'number')
    return new UpstreamError('docker', 'bad_response', `HTTP ${e.statusCode}`, e.statusCode);
  if (e?.code === 'EACCES') {
    return new UpstreamError(
      'docker',
      'unauthorized',
      'EACCES',
      undefined,
      `Permission denied on the Docker socket ${where}: run Autoalex with the socket's group (docker run --group-add <the gid of \`stat -c %g ${where}\`>; on Unraid, add it to Extra Parameters), or use a socket proxy.`,
    );
  }
  const timedOut =
    e?.code === 'ETIMEDOUT' ||
    e?.code === 'ESOCKETTIMEDOUT' ||
    /timeout/i.test(e?.message ?? '') ||
    (e?.code === 'ECONNRESET' && elapsedMs >= timeoutMs - 100);
  if (timedOut) {
    const text =
      call === 'restart'
        ? `Docker did not confirm the restart within ${seconds} s. It may still be restarting: check \`/alex status\` in a minute.`
        : `Docker at ${where} did not answer within ${seconds} s.`;
    return new UpstreamError('docker', 'timeout', e?.code ?? 'timeout', undefined, text);
  }
  return new UpstreamError('docker', 'unreachable', e?.code ?? 'engine unreachable');
}

export function createDockerService(options: {
  dockerHost: string | undefined;
  timeoutMs: number;
  /** For restarts only (default RESTART_TIMEOUT_MS): they wait out the container's stop timeout. */
  restartTimeoutMs?: number;
  logger: Logger;
  /** Scrubbed from log lines: Plex logs carry tokens (X-Plex-Token=…), and the lines go to Discord. */
  secrets: readonly string[];
}): DockerService {
  const logger = options.logger.child({ svc: 'docker' });
  const where = options.dockerHost ?? '/var/run/docker.sock';
  const timeouts: Record<DockerCall, number> = {
    inspect: options.timeoutMs,
    logs: options.timeoutMs,
    restart: options.restartTimeoutMs ?? RESTART_TIMEOUT_MS,
  };
  // Loaded on first use: dockerode is a third of a second of start-up for a feature that may never run.
  // docker-modem takes its timeout per client, hence one client per deadline.
  const clients = new Map<number, Promise<Docker>>();
  const client = (timeout: number) => {
    let made = clients.get(timeout);
    if (!made) {
      made = import('dockerode').then(
        ({ default: DockerClient }) => new DockerClient({ ...dockerConnection(options.dockerHost), timeout }),
      );
      clients.set(timeout, made);
    }
    return made;
  };
  const guard = async <T>(
    call: DockerCall,
    name: string,
    work: (c: Docker.Container) => Promise<T>,
  ): Promise<T> => {
    const started = performance.now();
    try {
      return await work((await client(timeouts[call])).getContainer(name));
    } catch (error) {
      const mapped = toDockerError(error, call, performance.now() - started, timeouts[call], where);
      logger.warn({ what: call, kind: mapped.kind, status: mapped.status }, 'docker call failed');
      throw mapped;
    }
  };
  return {
    async inspect(name) {
      try {
        const info = await guard('inspect', name, (c) => c.inspect());
        // docker-modem hands back the raw Buffer when the body is not JSON: a broken answer, not a container.
        if (Buffer.isBuffer(info) || typeof info?.State !== 'object') {
          throw new UpstreamError('docker', 'bad_response', 'inspect: unexpected body');
        }
        return {
          name: info.Name.replace(/^\//, ''),
          status: info.State.Status,
          health: info.State.Health?.Status,
          restartCount: info.RestartCount,
          exitCode: info.State.ExitCode,
          startedAt: info.State.StartedAt,
          finishedAt: info.State.FinishedAt,
          error: info.State.Error || undefined,
          image: info.Config?.Image,
        };
      } catch (error) {
        if (error instanceof UpstreamError && error.kind === 'not_found') return null;
        throw error;
      }
    },
    async logs(name, lines) {
      const raw = await guard('logs', name, (c) =>
        c.logs({ stdout: true, stderr: true, tail: lines, follow: false, timestamps: false }),
      );
      // docker-modem JSON-parses any body it can: a TTY log tail that happens to be JSON comes back parsed.
      const buffer = Buffer.isBuffer(raw)
        ? raw
        : Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw));
      return logLines(demultiplex(buffer))
        .slice(-lines)
        .map((line) => scrubSecrets(line, options.secrets));
    },
    async restart(name) {
      await guard('restart', name, (c) => c.restart());
      logger.info({ container: name }, 'container restarted');
    },
  };
}
