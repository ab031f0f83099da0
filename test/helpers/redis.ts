// A real Redis for the remote remix tests: the one REDIS_TEST_URL names (.ci/run starts one), else a private
// `redis-server` this helper starts on a free port, else none — then those tests are skipped, loudly, with the
// reason (apt-get install redis-server).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports.ts';

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

export function redisServerBinary(): string | undefined {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'redis-server'))
    .find((file) => existsSync(file));
}

/** Why no Redis can be had here, or undefined when one can. */
export function whyNoRedis(): string | undefined {
  if (process.env.REDIS_TEST_URL || redisServerBinary()) return undefined;
  return 'no REDIS_TEST_URL and no redis-server on PATH (apt-get install redis-server; .ci/run installs and starts it)';
}

/** `redis-server` on 127.0.0.1:`port`, in memory only; resolves once it answers PING. */
export async function startRedisServer(port: number): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'autoalex-redis-'));
  const child = spawn(
    redisServerBinary() ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    const ok = await client
      .connect()
      .then(() => client.ping())
      .then(
        () => true,
        () => false,
      );
    client.disconnect();
    if (ok) break;
    if (Date.now() - started > 15_000 || child.exitCode !== null)
      throw new Error(`redis-server did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async stop() {
      child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The Redis for a test file: REDIS_TEST_URL emptied first (FLUSHDB: it is a test server), or a private one.
 */
export async function testRedis(): Promise<TestRedis> {
  const shared = process.env.REDIS_TEST_URL;
  if (!shared) return startRedisServer(await freePort());
  const client = new Redis(shared);
  await client.flushdb();
  client.disconnect();
  return { url: shared, stop: async () => undefined };
}
