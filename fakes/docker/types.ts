import type { FailureMode } from '../http-fake.ts';

export type ContainerStatus = 'running' | 'exited' | 'restarting' | 'paused' | 'dead' | 'created';

/** One log entry as the json-file driver stores it: the line without its newline. */
export interface FakeLogLine {
  stream: 'stdout' | 'stderr';
  line: string;
  /** RFC 3339 UTC, ideally with nanoseconds; defaults to the container's `startedAt`. */
  time?: string;
}

export interface FakeContainer {
  /** Without the leading slash, e.g. 'binhex-plexpass'. */
  name: string;
  /** 64 hex digits. */
  id: string;
  image: string;
  state: ContainerStatus;
  /** Absent = the image has no HEALTHCHECK (inspect then has no `State.Health`). */
  health?: 'healthy' | 'unhealthy' | 'starting';
  exitCode: number;
  /** Restarts by the restart policy; a manual `docker restart` resets it to 0, as Docker does. */
  restartCount: number;
  startedAt: string;
  /** '0001-01-01T00:00:00Z' when the container never stopped. */
  finishedAt: string;
  /** Log lines with stream and timestamp; may contain ANSI colour codes. */
  logs: FakeLogLine[];
  /** TTY containers send raw logs (no multiplexing, `\r\n` line ends, everything on stdout), as Docker does. */
  tty: boolean;
  /** `State.OOMKilled` (exit code 137 usually goes with it). */
  oomKilled?: boolean;
  /** `State.Error`, e.g. a failed start. */
  error?: string;
}

export interface DockerRequest {
  method: string;
  /** As sent, including any `/vX.YY` prefix. */
  path: string;
  query: Record<string, string>;
  via: 'unix' | 'tcp';
}

export interface DockerFake {
  /** A unix socket in a temp dir (`new Docker({ socketPath })`). */
  readonly socketPath: string;
  /** http://127.0.0.1:PORT: the same engine over TCP, like a socket proxy or DOCKER_HOST=tcp://. */
  readonly url: string;
  readonly port: number;
  readonly requests: DockerRequest[];
  /** By name. */
  containers: Map<string, FakeContainer>;
  /**
   * From http-fake.ts. `down` is a stopped daemon: the socket file is removed (ENOENT) and the TCP port
   * refuses connections (ECONNREFUSED) until another mode is set. `malformed` answers 200 with the real
   * body cut in half. `status` without a body answers Docker's `{"message": ...}` shape.
   */
  failure: FailureMode;
  /** Socket-proxy mode: like tecnativa/docker-socket-proxy with CONTAINERS=1 and POST=0, so POST answers 403. */
  readOnly: boolean;
  /** Names restarted, in order. */
  restarts: string[];
  close(): Promise<void>;
}
