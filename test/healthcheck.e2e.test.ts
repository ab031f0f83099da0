import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startHeartbeat } from '../src/bot/heartbeat.ts';
import { HEARTBEAT_MAX_AGE_MS, heartbeatPath } from '../src/heartbeat.ts';
import type { Heartbeat } from '../src/heartbeat.ts';
import { captureLogger } from './helpers/logs.ts';
import { startHarness } from './helpers/harness.ts';

const exec = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;

/** The HEALTHCHECK entry as Docker runs it: the bot's environment, exit code and one line of output. */
async function healthcheck(dataDir: string, env: Record<string, string> = {}) {
  const settings = {
    DISCORD_TOKEN: 'fake-bot-token',
    TAUTULLI_URL: 'http://127.0.0.1:9',
    TAUTULLI_API_KEY: 'fake-key',
    DATA_DIR: dataDir,
    ...env,
  };
  try {
    const { stdout } = await exec(process.execPath, ['--import', 'tsx', 'src/healthcheck.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...settings },
    });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

const read = (dataDir: string) => JSON.parse(readFileSync(heartbeatPath(dataDir), 'utf8')) as Heartbeat;
const emptyDir = () => mkdtempSync(join(tmpdir(), 'autoalex-health-'));

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Docker health check', () => {
  it('passes while the bot is connected to Discord, and fails once the connection is lost', async () => {
    const h = await startHarness();
    const { logger } = captureLogger();
    const heartbeat = startHeartbeat(h.bot.client, h.config.dataDir, logger);
    try {
      const beat = read(h.config.dataDir);
      expect(beat).toMatchObject({ state: 'ready', pid: process.pid });
      const ok = await healthcheck(h.config.dataDir);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/^healthy: connected to Discord since .+, last heartbeat \d+ s ago$/m);

      await h.discord.stop();
      const lost = await waitFor(() => {
        const now = read(h.config.dataDir);
        return now.state === 'reconnecting' ? now : undefined;
      });
      expect(Date.parse(lost.since)).toBeGreaterThanOrEqual(Date.parse(beat.since));
      const failed = await healthcheck(h.config.dataDir);
      expect(failed.code).toBe(1);
      expect(failed.stdout).toContain(
        `unhealthy: not connected to Discord: reconnecting since ${lost.since}`,
      );
    } finally {
      heartbeat.stop();
      await h.stop();
    }
  });

  it('beats on a timer, so a live bot keeps the file fresh', async () => {
    const h = await startHarness();
    const { logger } = captureLogger();
    const heartbeat = startHeartbeat(h.bot.client, h.config.dataDir, logger, 100);
    try {
      const first = read(h.config.dataDir).at;
      const later = await waitFor(() => {
        const at = read(h.config.dataDir).at;
        return at !== first ? at : undefined;
      }, 2000);
      expect(Date.parse(later)).toBeGreaterThan(Date.parse(first));
    } finally {
      heartbeat.stop();
      await h.stop();
    }
  });

  it('fails after a clean shutdown: the bot records that it stopped', async () => {
    const h = await startHarness();
    const { logger } = captureLogger();
    const heartbeat = startHeartbeat(h.bot.client, h.config.dataDir, logger);
    heartbeat.stop();
    await h.stop();
    expect(read(h.config.dataDir).state).toBe('stopped');
    const result = await healthcheck(h.config.dataDir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^unhealthy: the bot stopped at /m);
  });

  it('fails when the heartbeat is stale (the bot hung or died)', async () => {
    const dataDir = emptyDir();
    const at = new Date(Date.now() - HEARTBEAT_MAX_AGE_MS - 5000).toISOString();
    writeFileSync(heartbeatPath(dataDir), JSON.stringify({ state: 'ready', at, since: at, pid: 1 }));
    const result = await healthcheck(dataDir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^unhealthy: last heartbeat 8\d s ago: the bot is stuck or not running$/m);
  });

  it('fails when there is no heartbeat yet, or the file is not one', async () => {
    const dataDir = emptyDir();
    const missing = await healthcheck(dataDir);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(`unhealthy: no heartbeat at ${heartbeatPath(dataDir)} yet`);

    writeFileSync(heartbeatPath(dataDir), '{"state":"ready"');
    const broken = await healthcheck(dataDir);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('is not a heartbeat written by Autoalex');
  });

  it('fails with the configuration problems, never their values, when the settings are invalid', async () => {
    const dataDir = emptyDir();
    const result = await healthcheck(dataDir, { TAUTULLI_URL: 'not a url', TAUTULLI_API_KEY: '' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('TAUTULLI_URL must be an http:// or https:// URL');
    expect(result.stdout).toContain('TAUTULLI_API_KEY is required but not set');
    expect(result.stdout).not.toContain('fake-bot-token');
  });

  it('logs once, not on every beat, when DATA_DIR cannot be written', async () => {
    const h = await startHarness();
    const { logger, text } = captureLogger();
    const notADirectory = join(h.config.dataDir, 'file');
    writeFileSync(notADirectory, '');
    const heartbeat = startHeartbeat(h.bot.client, join(notADirectory, 'data'), logger, 20);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const warnings = text().match(/cannot write the heartbeat file/g) ?? [];
      expect(warnings).toHaveLength(1);
      expect(text()).toContain('is DATA_DIR writable by this user?');
    } finally {
      heartbeat.stop();
      await h.stop();
    }
  });
});
