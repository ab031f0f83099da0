import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../src/errors.ts';
import { createSilentLogger } from '../src/logger.ts';
import { createDockerService } from '../src/services/health/docker.ts';
import {
  announceSkip,
  ciScript,
  containerName,
  docker,
  noEngineReason,
  removeOurContainers,
  waitUntil,
} from './helpers/docker-engine.ts';

// The Docker service against a real engine (DOCKER_HOST), with stand-in "Plex" containers from
// scripts/ci/plex-standin.sh: one logging on stdout and stderr with ANSI colours, one with a TTY, one that
// ignores SIGTERM, one that crashed. test/docker-service.test.ts covers the same API against the fake engine.

const reason = await noEngineReason();
if (reason) announceSkip('the Docker service against a real engine', reason);

const PLEX = containerName('plex');
const TTY = containerName('plex-tty');
const STUBBORN = containerName('plex-ignores-sigterm');
const CRASHED = containerName('plex-crashed');
let image = '';

const service = (timeoutMs = 30_000, dockerHost = process.env.DOCKER_HOST) =>
  createDockerService({ dockerHost, timeoutMs, logger: createSilentLogger(), secrets: [] });

async function run(name: string, ...args: string[]) {
  const started = await docker(['run', '-d', '--name', name, '--network', 'none', ...args, image]);
  expect(started.code, started.stderr).toBe(0);
}

const ESC = String.fromCharCode(27);
const countOf = (lines: string[], text: string) => lines.filter((line) => line === text).length;

/**
 * The container's logs once its second start has been logged, or after 10 s: "running" comes before the
 * container's first line, and on a loaded machine the log can lag the restart call by a while.
 */
async function logsOnceStarted(name: string): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines = await service().logs(name, 500);
    if (countOf(lines, '[info] Plex Media Server is starting') >= 2 || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(reason !== undefined)('Docker service against a real engine', () => {
  beforeAll(async () => {
    const built = await ciScript('plex-standin.sh', 120_000);
    expect(built.code, built.stderr).toBe(0);
    image = built.stdout;
    await run(PLEX);
    await run(TTY, '-t');
    await run(STUBBORN, '-e', 'IGNORE_SIGTERM=1');
    await run(CRASHED, '-e', 'EXIT_AFTER=0', '-e', 'EXIT_CODE=3');
    // Both streams written and a heartbeat after them, in each running container.
    for (const name of [PLEX, TTY, STUBBORN]) {
      await waitUntil(
        async () => ((await docker(['logs', name])).stdout.includes('heartbeat 1') ? true : undefined),
        10_000,
        `${name} logging`,
      );
    }
  }, 180_000);
  afterAll(() => removeOurContainers(), 60_000);

  it('inspects a running container, a crashed one with its exit code, and a missing one', async () => {
    const running = await service().inspect(PLEX);
    expect(running).toMatchObject({ name: PLEX, status: 'running', restartCount: 0, exitCode: 0, image });
    expect(Date.parse(running!.startedAt!)).toBeGreaterThan(Date.now() - 5 * 60_000);
    const crashed = await waitUntil(
      async () => {
        const info = await service().inspect(CRASHED);
        return info?.status === 'exited' ? info : undefined;
      },
      10_000,
      'the crash',
    );
    expect(crashed).toMatchObject({ status: 'exited', exitCode: 3 });
    // Not compared with startedAt: for a process that exits at once the engine may record its end a few
    // milliseconds before its start (seen on 20.10).
    expect(Date.now() - Date.parse(crashed.finishedAt!)).toBeLessThan(5 * 60_000);
    expect(await service().logs(CRASHED, 5)).toContain('fatal: giving up');
    expect(await service().inspect(containerName('no-such-container'))).toBeNull();
  });

  it('reads stdout and stderr, without ANSI colours, from a plain and from a TTY container', async () => {
    for (const name of [PLEX, TTY]) {
      const lines = await service().logs(name, 500);
      expect(lines, name).toContain('[info] Plex Media Server is starting');
      expect(lines, name).toContain('ERROR - Database is locked');
      expect(lines, name).toContain('heartbeat 1');
      expect(lines.join('\n'), name).not.toContain(ESC);
      expect(lines.join('\n'), name).not.toContain('\r');
    }
    // The engine really did keep the colours and the TTY's CRLF line ends: the service removes them.
    const raw = await docker(['logs', TTY]);
    expect(raw.stdout).toContain(`${ESC}[32m[info]${ESC}[0m Plex Media Server is starting\r\n`);
    // A tail is the last lines, however the streams were framed.
    const tail = await service().logs(PLEX, 3);
    expect(tail).toHaveLength(3);
    expect(tail.at(-1)).toMatch(/^heartbeat \d+$/);
  });

  it('restarts a container that stops on SIGTERM', async () => {
    const before = await service().inspect(PLEX);
    const started = Date.now();
    await service().restart(PLEX);
    expect(Date.now() - started).toBeLessThan(5_000);
    const after = await service().inspect(PLEX);
    expect(after?.status).toBe('running');
    expect(Date.parse(after!.startedAt!)).toBeGreaterThan(Date.parse(before!.startedAt!));
    const lines = await logsOnceStarted(PLEX);
    expect(lines).toContain('stopping on SIGTERM');
    expect(countOf(lines, '[info] Plex Media Server is starting')).toBe(2);
  });

  it("restarts a container that ignores SIGTERM, after Docker's stop timeout, given a longer timeout", async () => {
    const before = await service().inspect(STUBBORN);
    const started = Date.now();
    await service(30_000).restart(STUBBORN);
    const took = Date.now() - started;
    // Docker waits its 10 s stop timeout, then kills: the restart call lasts that long.
    expect(took).toBeGreaterThanOrEqual(9_500);
    const after = await service().inspect(STUBBORN);
    expect(after?.status).toBe('running');
    expect(Date.parse(after!.startedAt!)).toBeGreaterThan(Date.parse(before!.startedAt!));
    const lines = await logsOnceStarted(STUBBORN);
    expect(lines).not.toContain('stopping on SIGTERM');
    expect(countOf(lines, '[info] Plex Media Server is starting')).toBe(2);
  }, 40_000);

  it('reports an engine that is not there as unreachable', async () => {
    const error = await service(2_000, 'unix:///nonexistent/autoalex/docker.sock')
      .inspect(PLEX)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ service: 'docker', kind: 'unreachable' });
  });
});
