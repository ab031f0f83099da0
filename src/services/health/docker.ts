import type Docker from 'dockerode';
import { UpstreamError } from '../../errors.ts';
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

function toDockerError(error: unknown): UpstreamError {
  const e = error as { statusCode?: number; code?: string };
  if (e?.statusCode === 404) return new UpstreamError('docker', 'not_found', 'no such container', 404);
  if (e?.statusCode === 401 || e?.statusCode === 403) {
    return new UpstreamError('docker', 'unauthorized', `HTTP ${e.statusCode}`, e.statusCode);
  }
  if (typeof e?.statusCode === 'number')
    return new UpstreamError('docker', 'bad_response', `HTTP ${e.statusCode}`, e.statusCode);
  if (e?.code === 'ETIMEDOUT' || e?.code === 'ESOCKETTIMEDOUT')
    return new UpstreamError('docker', 'timeout', e.code);
  return new UpstreamError('docker', 'unreachable', e?.code ?? 'engine unreachable');
}

export function createDockerService(options: {
  dockerHost: string | undefined;
  timeoutMs: number;
  logger: Logger;
}): DockerService {
  const logger = options.logger.child({ svc: 'docker' });
  // Loaded on first use: dockerode is a third of a second of start-up for a feature that may never run.
  let client: Promise<Docker> | undefined;
  const container = async (name: string) => {
    client ??= import('dockerode').then(
      ({ default: DockerClient }) =>
        new DockerClient({ ...dockerConnection(options.dockerHost), timeout: options.timeoutMs }),
    );
    return (await client).getContainer(name);
  };
  const guard = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      const mapped = toDockerError(error);
      logger.warn({ what, kind: mapped.kind, status: mapped.status }, 'docker call failed');
      throw mapped;
    }
  };
  return {
    async inspect(name) {
      try {
        const info = await guard('inspect', () => container(name).then((c) => c.inspect()));
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
      const raw = await guard('logs', () =>
        container(name).then((c) =>
          c.logs({ stdout: true, stderr: true, tail: lines, follow: false, timestamps: false }),
        ),
      );
      // docker-modem JSON-parses any body it can: a TTY log tail that happens to be JSON comes back parsed.
      const buffer = Buffer.isBuffer(raw)
        ? raw
        : Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw));
      return logLines(demultiplex(buffer)).slice(-lines);
    },
    async restart(name) {
      await guard('restart', () => container(name).then((c) => c.restart()));
      logger.info({ container: name }, 'container restarted');
    },
  };
}
