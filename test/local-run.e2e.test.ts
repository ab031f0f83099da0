import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';

/**
 * A newcomer's local run (issue 20): the built bot (`tsc` → dist, started with node as `npm start` does)
 * from a folder holding only a `.env` made from `.env.example`, against a fake Discord and Tautulli.
 */

const exec = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
// Inside node_modules so the built files resolve their packages from this checkout's node_modules.
const BUILD = join(ROOT, 'node_modules', '.cache', `autoalex-local-run-${process.pid}`);
const ENTRY = join(BUILD, 'src', 'index.js');

/** A TCP port nothing listens on (fetch refuses some low ports outright, so not 9 or 1). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `.env.example` with the required values filled in, as the README tells a newcomer to do. */
function envFile(values: Record<string, string>): string {
  return readFileSync(join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .map((line) => {
      const key = /^([A-Z_]+)=/.exec(line)?.[1];
      return key && key in values ? `${key}=${values[key]}` : line;
    })
    .join('\n');
}

/** Starts the built bot in `cwd`, collects its output until `until` matches or it exits, then stops it. */
async function runBot(
  cwd: string,
  until: RegExp,
  timeoutMs = 30_000,
  settled: () => boolean = () => true,
): Promise<string> {
  const child = spawn(process.execPath, [ENTRY], { cwd, env: { PATH: process.env.PATH ?? '' } });
  let output = '';
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const check = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (until.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  await done;
  // The log line can come before the bot has finished starting (heartbeat, signal handlers): wait for that too.
  const deadline = Date.now() + 10_000;
  while (child.exitCode === null && !settled() && Date.now() < deadline) await sleep(50);
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  return output;
}

const messages = (output: string) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as { msg: string }).msg);

beforeAll(async () => {
  await exec(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', BUILD],
    {
      cwd: ROOT,
    },
  );
}, 180_000);
afterAll(() => rmSync(BUILD, { recursive: true, force: true }));

describe('a local run from .env.example', () => {
  it('starts outside Docker with its data in ./data and says which upstream answers', async () => {
    const discord = await startFakeDiscord();
    const tautulli = await startTautulliFake();
    const plexPort = await closedPort();
    const dir = mkdtempSync(join(tmpdir(), 'autoalex-local-'));
    try {
      writeFileSync(
        join(dir, '.env'),
        envFile({
          DISCORD_TOKEN: discord.token,
          DISCORD_API_URL: discord.restApi,
          TAUTULLI_URL: tautulli.url,
          TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
          PLEX_URL: `http://127.0.0.1:${plexPort}`,
          PLEX_TOKEN: 'plex-secret-token-value',
          DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}`,
        }),
      );
      const output = await runBot(
        dir,
        /Docker at .*\n[\s\S]*connected to Discord|connected to Discord[\s\S]*Docker at /,
        30_000,
        () => existsSync(join(dir, 'data', 'heartbeat')),
      );
      const lines = messages(output);
      expect(lines, output).toContain('connected to Discord');
      expect(lines, lines.join('\n')).toContainEqual(
        expect.stringMatching(
          new RegExp(`^Tautulli at ${tautulli.url}: reachable \\(API key accepted, \\d+ users\\)$`),
        ),
      );
      expect(lines).toContain(
        `Plex at http://127.0.0.1:${plexPort}: connection refused by 127.0.0.1:${plexPort} (nothing listens there)`,
      );
      expect(lines).toContain(
        `Docker at unix://${join(dir, 'no-docker.sock')}: cannot read the container binhex-plexpass: unix://${join(dir, 'no-docker.sock')} does not exist (ENOENT)`,
      );
      expect(existsSync(join(dir, 'data', 'heartbeat')), output).toBe(true);
      expect(output).not.toContain(FAKE_TAUTULLI_API_KEY);
      expect(output).not.toContain('plex-secret-token-value');
    } finally {
      await discord.stop();
      await tautulli.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('names the host and the cause when Discord cannot be reached, instead of blaming the token', async () => {
    const tautulli = await startTautulliFake();
    const dir = mkdtempSync(join(tmpdir(), 'autoalex-local-'));
    try {
      const env = {
        TAUTULLI_URL: tautulli.url,
        TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
        DISCORD_TOKEN: 'MTIz.abc.def',
      };
      writeFileSync(
        join(dir, '.env'),
        envFile({ ...env, DISCORD_API_URL: 'http://autoalex-test.invalid/api' }),
      );
      const dns = messages(await runBot(dir, /could not connect/));
      expect(dns.find((l) => l.startsWith('could not connect to Discord'))).toMatch(
        /^could not connect to Discord: DNS lookup of autoalex-test\.invalid failed \((ENOTFOUND|EAI_AGAIN)\)/,
      );
      const port = await closedPort();
      writeFileSync(join(dir, '.env'), envFile({ ...env, DISCORD_API_URL: `http://127.0.0.1:${port}/api` }));
      const refused = messages(await runBot(dir, /could not connect/));
      expect(refused).toContain(
        `could not connect to Discord: connection refused by 127.0.0.1:${port} (nothing listens there)`,
      );
      expect([...dns, ...refused].join('\n')).not.toContain('DISCORD_TOKEN');
    } finally {
      await tautulli.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('stops cleanly with exit code 0 when `docker stop` comes before Discord has answered', async () => {
    // A Discord that accepts connections and never answers: the bot is still starting when it is stopped.
    const sockets: Socket[] = [];
    const stalled = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const { port } = stalled.address() as { port: number };
    const tautulli = await startTautulliFake();
    const dir = mkdtempSync(join(tmpdir(), 'autoalex-local-'));
    try {
      writeFileSync(
        join(dir, '.env'),
        envFile({
          TAUTULLI_URL: tautulli.url,
          TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
          DISCORD_TOKEN: 'MTIz.abc.def',
          DISCORD_API_URL: `http://127.0.0.1:${port}/api`,
        }),
      );
      const child = spawn(process.execPath, [ENTRY], { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      const exited = new Promise<[number | null, string | null]>((resolve) =>
        child.once('exit', (code, signal) => resolve([code, signal])),
      );
      const deadline = Date.now() + 20_000;
      while (sockets.length === 0 && Date.now() < deadline) await sleep(50);
      expect(sockets.length, output).toBeGreaterThan(0);
      child.kill('SIGTERM');
      expect(await exited, output).toEqual([0, null]);
      expect(messages(output)).toContain('shutting down before the start finished');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => stalled.close(resolve));
      await tautulli.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
