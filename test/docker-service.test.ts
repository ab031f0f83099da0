import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toUserMessage, UpstreamError } from '../src/errors.ts';
import { createSilentLogger } from '../src/logger.ts';
import { createDockerService, dockerConnection } from '../src/services/health/docker.ts';
import { plexContainer, startDockerFake } from '../fakes/docker.ts';
import type { DockerFake } from '../fakes/docker.ts';

const ESC = String.fromCharCode(27);
let fake: DockerFake;

beforeAll(async () => {
  const plex = plexContainer();
  plex.logs.push(
    { stream: 'stdout', line: `${ESC}[32m[info]${ESC}[0m Plex Media Server is starting` },
    { stream: 'stderr', line: `${ESC}[1;31mERROR${ESC}[0m - Database is locked` },
  );
  const tty = plexContainer({
    name: 'tty-box',
    id: 'f'.repeat(64),
    tty: true,
    logs: [
      { stream: 'stdout', line: 'one' },
      { stream: 'stdout', line: 'two' },
    ],
  });
  fake = await startDockerFake({ containers: [plex, tty] });
});
afterAll(() => fake.close());

const service = (host = `unix://${fake.socketPath}`) =>
  createDockerService({ dockerHost: host, timeoutMs: 2000, logger: createSilentLogger(), secrets: [] });

describe('Docker service', () => {
  it('reads DOCKER_HOST like the Docker CLI', () => {
    expect(dockerConnection(undefined)).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(dockerConnection('unix:///run/docker.sock')).toEqual({ socketPath: '/run/docker.sock' });
    expect(dockerConnection('tcp://docker-proxy:2375')).toEqual({
      host: 'docker-proxy',
      port: 2375,
      protocol: 'http',
    });
  });

  it('inspects the container over the socket and over TCP', async () => {
    for (const host of [`unix://${fake.socketPath}`, `tcp://127.0.0.1:${fake.port}`]) {
      expect(await service(host).inspect('binhex-plexpass')).toMatchObject({
        name: 'binhex-plexpass',
        status: 'running',
        health: 'healthy',
      });
    }
    expect(await service().inspect('nope')).toBeNull();
  });

  it('demultiplexes both streams, strips ANSI colours and keeps the order', async () => {
    const lines = await service().logs('binhex-plexpass', 2);
    expect(lines).toEqual(['[info] Plex Media Server is starting', 'ERROR - Database is locked']);
    expect(await service().logs('tty-box', 10)).toEqual(['one', 'two']);
  });

  it('maps a stopped engine and a read-only socket proxy to clear kinds', async () => {
    fake.readOnly = true;
    await expect(service().restart('binhex-plexpass')).rejects.toMatchObject({ kind: 'unauthorized' });
    fake.readOnly = false;
    fake.failure = { kind: 'down' };
    const error = await service()
      .inspect('binhex-plexpass')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).kind).toBe('unreachable');
    fake.failure = { kind: 'malformed' };
    await expect(service().inspect('binhex-plexpass')).rejects.toMatchObject({ kind: 'bad_response' });
    fake.failure = { kind: 'none' };
  });
});

describe('Docker failures an admin can act on', () => {
  const slowEngine = (delayMs: number) => (fake.failure = { kind: 'slow', delayMs });

  it('waits out a restart longer than the ordinary timeout (Docker stops a container that ignores SIGTERM after 10 s)', async () => {
    slowEngine(1500);
    try {
      const docker = createDockerService({
        dockerHost: `unix://${fake.socketPath}`,
        timeoutMs: 500,
        restartTimeoutMs: 5000,
        logger: createSilentLogger(),
        secrets: [],
      });
      const before = fake.restarts.length;
      await expect(docker.restart('binhex-plexpass')).resolves.toBeUndefined();
      expect(fake.restarts.length).toBe(before + 1);
    } finally {
      fake.failure = { kind: 'none' };
    }
  });

  it('says a restart Docker did not confirm in time is unconfirmed, not that Docker is unreachable', async () => {
    slowEngine(2500);
    try {
      const docker = createDockerService({
        dockerHost: `unix://${fake.socketPath}`,
        timeoutMs: 500,
        restartTimeoutMs: 1000,
        logger: createSilentLogger(),
        secrets: [],
      });
      const error = await docker.restart('binhex-plexpass').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).kind).toBe('timeout');
      expect(toUserMessage(error).text).toBe(
        'Docker did not confirm the restart within 1 s. It may still be restarting: check `/alex status` in a minute.',
      );
    } finally {
      fake.failure = { kind: 'none' };
    }
  });

  it('tells an admin behind a read-only socket proxy to allow writes, not to check a token', async () => {
    fake.readOnly = true;
    try {
      const host = `tcp://127.0.0.1:${fake.port}`;
      const error = await service(host)
        .restart('binhex-plexpass')
        .catch((e: unknown) => e);
      expect(toUserMessage(error).text).toBe(
        `The Docker socket proxy at ${host} refuses restarts: allow writes on it (docker-socket-proxy: POST=1) or restart the container yourself.`,
      );
      expect(toUserMessage(error).text).not.toMatch(/API key|token/);
    } finally {
      fake.readOnly = false;
    }
  });

  // Unraid runs containers as 99:100; without --group-add the mounted socket cannot be opened. Root ignores
  // file modes, so the client runs in a child process as nobody against a socket only root may open.
  it('says permission denied on the socket, and how to add its group', async () => {
    if (process.getuid?.() !== 0) {
      console.warn('\n!!!!! SKIPPED: EACCES needs root to start a client as another user !!!!!\n');
      return;
    }
    const probe = `
      import { createDockerService } from '${new URL('../src/services/health/docker.ts', import.meta.url).pathname}';
      import { createSilentLogger } from '${new URL('../src/logger.ts', import.meta.url).pathname}';
      import { toUserMessage } from '${new URL('../src/errors.ts', import.meta.url).pathname}';
      const docker = createDockerService({ dockerHost: process.argv[1], timeoutMs: 2000, logger: createSilentLogger(), secrets: [] });
      const error = await docker.inspect('binhex-plexpass').catch((e) => e);
      console.log(JSON.stringify({ kind: error.kind, text: toUserMessage(error).text }));`;
    chmodSync(fake.socketPath, 0o660);
    const host = `unix://${fake.socketPath}`;
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', probe, host],
      { uid: 65534, gid: 65534, cwd: new URL('..', import.meta.url).pathname, encoding: 'utf8' },
    );
    const result = JSON.parse(out.trim().split('\n').at(-1) as string) as { kind: string; text: string };
    expect(result.kind).toBe('unauthorized');
    expect(result.text).toBe(
      `Permission denied on the Docker socket ${host}: run Autoalex with the socket's group (docker run --group-add <the gid of \`stat -c %g ${host}\`>; on Unraid, add it to Extra Parameters), or use a socket proxy.`,
    );
  });
});
