import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../src/errors.ts';
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
  createDockerService({ dockerHost: host, timeoutMs: 2000, logger: createSilentLogger() });

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
