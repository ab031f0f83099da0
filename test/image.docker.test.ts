import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import type { FakeDiscord } from '../fakes/discord/index.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';
import type { TautulliFake } from '../fakes/tautulli.ts';
import { botEnv, usageThroughDiscord } from './helpers/built-bot.ts';
import { freePort } from './helpers/ports.ts';
import {
  announceSkip,
  ciScript,
  containerName,
  docker,
  noEngineReason,
  removeOurContainers,
  ROOT,
  waitUntil,
} from './helpers/docker-engine.ts';

// The image smoke test: the small target built on a real engine (DOCKER_HOST) from the local stand-in for
// node:26-bookworm-slim (scripts/ci/node-base.sh; no registry can be pulled from here), run on the host network
// against the fake Discord and the fake Tautulli, as a user would run it.

/**
 * The small image as built here: 425 MB on the stand-in base (299 MB; the app, its dependencies and tini add
 * about 126 MB). It was 935 MB with Debian's ffmpeg and @ffmpeg-installer's binary in it.
 */
const SIZE_BUDGET_MB = 475;
const TAG = 'autoalex:test-small';

const reason = await noEngineReason();
if (reason) announceSkip('the image smoke test', reason);

const BOT = containerName('bot');
let discord: FakeDiscord;
let tautulli: TautulliFake;

const inspect = async (format: string, what = BOT) => {
  const result = await docker(['inspect', '--format', format, what]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim();
};

describe.skipIf(reason !== undefined)('the small image on a real engine', () => {
  beforeAll(async () => {
    // AUTOALEX_NODE_IMAGE names a real base where a registry can be pulled from (the GitHub workflow).
    const base = process.env.AUTOALEX_NODE_IMAGE
      ? { code: 0, stdout: process.env.AUTOALEX_NODE_IMAGE, stderr: '', ms: 0 }
      : await ciScript('node-base.sh', 20 * 60_000);
    expect(base.code, base.stderr).toBe(0);
    const build = await docker(
      [
        'build',
        '--network',
        'host',
        '--build-arg',
        `NODE_IMAGE=${base.stdout}`,
        '--target',
        'small',
        '-t',
        TAG,
        ROOT,
      ],
      { timeoutMs: 20 * 60_000 },
    );
    expect(
      build.code,
      `docker build failed:\n${(build.stdout + build.stderr).split('\n').slice(-40).join('\n')}`,
    ).toBe(0);
    console.log(
      `image smoke: stand-in base ${(base.ms / 1000).toFixed(1)} s, image build ${(build.ms / 1000).toFixed(1)} s`,
    );

    discord = await startFakeDiscord();
    tautulli = await startTautulliFake();
    const env = botEnv({ discord, tautulli, tautulliApiKey: FAKE_TAUTULLI_API_KEY }, '/config');
    // The image's HEALTHCHECK command, checked every 2 s instead of every 30 s.
    const started = await docker([
      'run',
      '-d',
      '--name',
      BOT,
      '--network',
      'host',
      '--health-interval',
      '2s',
      ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
      TAG,
    ]);
    expect(started.code, started.stderr).toBe(0);
  }, 45 * 60_000);

  afterAll(async () => {
    await removeOurContainers();
    await discord?.stop();
    await tautulli?.close();
  }, 60_000);

  it('connects to Discord and answers /alex usage', async () => {
    await waitUntil(
      async () => ((await docker(['logs', BOT])).stdout.includes('connected to Discord') ? true : undefined),
      30_000,
      'connected to Discord',
    ).catch(async (error: unknown) => {
      const logs = await docker(['logs', BOT]);
      throw new Error(`${String(error)}\n${logs.stdout}\n${logs.stderr}`);
    });
    const { callback, edit } = await usageThroughDiscord(discord);
    expect(callback.json).toMatchObject({ type: 5 });
    expect(edit.json.content).toMatch(/^\*\*Now playing on Plex\*\* · \d+ streams?/);
  }, 45_000);

  it("is healthy by the image's own HEALTHCHECK", async () => {
    const health = await waitUntil(
      async () => {
        const state = JSON.parse(await inspect('{{json .State.Health}}')) as {
          Status: string;
          Log: Array<{ ExitCode: number; Output: string }>;
        };
        return state.Status === 'healthy' ? state : undefined;
      },
      30_000,
      'healthy',
    );
    expect(health.Log.at(-1)).toMatchObject({ ExitCode: 0 });
    expect(health.Log.at(-1)!.Output).toMatch(/^healthy: connected to Discord/);
  }, 40_000);

  it('runs as the non-root node user, tini included', async () => {
    expect(await inspect('{{.Config.User}}')).toBe('node');
    const pid1 = await docker(['exec', BOT, 'grep', '^Uid:', '/proc/1/status']);
    expect(pid1.stdout.split(/\s+/)[1]).toBe('1000');
    const bot = await docker(['exec', BOT, 'id', '-u']);
    expect(bot.stdout.trim()).toBe('1000');
  });

  it('writes nothing outside /config', async () => {
    const diff = await docker(['diff', BOT]);
    expect(diff.code, diff.stderr).toBe(0);
    const outside = diff.stdout
      .split('\n')
      .filter(Boolean)
      .filter((line) => !/^[ACD] \/config(\/|$)/.test(line));
    expect(outside).toEqual([]);
  });

  it('is small: no ffmpeg, no bundled ffmpeg, no devDependencies, and under the size budget', async () => {
    const paths = [
      '/usr/bin/ffmpeg',
      '/app/node_modules/@ffmpeg-installer',
      '/opt/demucs',
      '/app/node_modules/typescript',
      '/app/node_modules/vitest',
      '/app/node_modules/discord.js',
    ];
    const present = await docker([
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      'sh',
      TAG,
      '-c',
      'for p in "$@"; do if [ -e "$p" ]; then echo "$p"; fi; done',
      'sh',
      ...paths,
    ]);
    expect(present.code, present.stderr).toBe(0);
    expect(present.stdout.split('\n').filter(Boolean)).toEqual(['/app/node_modules/discord.js']);
    const bytes = Number(await inspect('{{.Size}}', TAG));
    console.log(`image smoke: the small image is ${(bytes / 1e6).toFixed(0)} MB`);
    expect(bytes / 1e6).toBeLessThan(SIZE_BUDGET_MB);
  });

  it('stops on `docker stop` within 2 s, exit code 0', async () => {
    const stop = await docker(['stop', BOT]);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.ms).toBeLessThan(2_000);
    expect(await inspect('{{.State.ExitCode}}')).toBe('0');
    expect((await docker(['logs', BOT])).stdout).toContain('shutting down');
  });
});

// The health monitor as it runs on a home server: the bot in its image with the engine's socket mounted, a
// stand-in "Plex" container beside it (scripts/ci/plex-standin.sh). Plex is killed for real, the alert carries
// what the engine says, Restart goes through the real API, and the recovery answers the alert.
describe.skipIf(reason !== undefined)('the monitor inside the image, against a real Plex container', () => {
  const PLEX = containerName('monitor-plex');
  const MONITOR = containerName('monitor-bot');
  const ADMIN = { id: '600000000000000001', username: 'owner', admin: true };
  let alertChannel = '';

  beforeAll(async () => {
    const standin = await ciScript('plex-standin.sh', 120_000);
    expect(standin.code, standin.stderr).toBe(0);
    const port = await freePort();
    const plex = await docker([
      'run',
      '-d',
      '--name',
      PLEX,
      '--network',
      'host',
      '-e',
      `PLEX_PORT=${port}`,
      standin.stdout,
    ]);
    expect(plex.code, plex.stderr).toBe(0);
    discord = await startFakeDiscord();
    tautulli = await startTautulliFake();
    alertChannel = discord.alertChannelId;
    const socket = (process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, '');
    const env = {
      ...botEnv({ discord, tautulli, tautulliApiKey: FAKE_TAUTULLI_API_KEY }, '/config'),
      PLEX_URL: `http://127.0.0.1:${port}`,
      PLEX_TOKEN: 'standin-token',
      PLEX_CONTAINER_NAME: PLEX,
      PLEX_POLL_INTERVAL: '1',
      PLEX_POLL_TIMEOUT: '1',
      PLEX_FAILURE_THRESHOLD: '2',
      DISCORD_ALERT_CHANNEL_ID: alertChannel,
      MONITOR_ALLOW_RESTART: 'true',
      LIBRARY_REFRESH_MINUTES: '0',
    };
    const started = await docker([
      'run',
      '-d',
      '--name',
      MONITOR,
      '--network',
      'host',
      '-v',
      `${socket}:/var/run/docker.sock`,
      // The socket's group, as the README tells Unraid users to add it.
      '--group-add',
      String(statSync(socket).gid),
      ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
      TAG,
    ]);
    expect(started.code, started.stderr).toBe(0);
    await waitUntil(
      async () =>
        (await docker(['logs', MONITOR])).stdout.includes('connected to Discord') ? true : undefined,
      30_000,
      'the monitoring bot connected',
    );
  }, 120_000);

  afterAll(async () => {
    await removeOurContainers();
    await discord?.stop();
    await tautulli?.close();
  }, 60_000);

  it('alerts once with the exit code and log tail, restarts Plex through the real API, and answers the alert on recovery', async () => {
    const alertPosts = () =>
      discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${alertChannel}/messages`);
    expect((await docker(['kill', PLEX])).code).toBe(0);
    const alert = await discord.waitForRequest(
      (r) => r.method === 'POST' && r.path === `/channels/${alertChannel}/messages` && r.status === 200,
      20_000,
    );
    const embed = alert.json.embeds[0];
    expect(embed.title).toBe('🔴 Plex is down');
    const container = embed.fields.find((f: { name: string }) => f.name === `Container ${PLEX}`);
    expect(container?.value).toMatch(/^\*\*exited\*\*.*exit code 137/);
    expect(embed.description).toContain('heartbeat');
    expect(embed.description).toContain('Database is locked');
    expect(embed.description).not.toContain(String.fromCharCode(27));
    const alertMessage = [...discord.messages.values()].find((m) => m.embeds[0]?.title === '🔴 Plex is down');
    expect(alertMessage).toBeDefined();

    const restartId = alert.json.components[0].components.find(
      (c: { label: string }) => c.label === 'Restart container',
    ).custom_id as string;
    await discord.button(restartId, { messageId: alertMessage!.id, user: ADMIN });
    const confirm = await discord.waitForRequest(
      (r) => r.method === 'POST' && /Restart the container/.test(r.json?.content ?? ''),
      10_000,
    );
    const yes = confirm.json.components[0].components[0].custom_id as string;
    await discord.button(yes, { user: ADMIN });

    const restarted = await discord.waitForRequest(
      (r) => r.method === 'PATCH' && /Restart of/.test(r.json?.content ?? ''),
      15_000,
    );
    expect(restarted.json.content).toContain(`🔄 Restart of \`${PLEX}\` requested`);
    const recovery = await discord
      .waitForRequest(
        (r) =>
          r.method === 'POST' &&
          r.path === `/channels/${alertChannel}/messages` &&
          r.json?.embeds?.[0]?.title === '🟢 Plex is back',
        30_000,
      )
      .catch(async (error: unknown) => {
        const logs = await docker(['logs', MONITOR]);
        throw new Error(`${String(error)}\n${logs.stdout.split('\n').slice(-30).join('\n')}`);
      });
    expect(recovery.json.message_reference?.message_id).toBe(alertMessage!.id);
    expect(await inspect('{{.State.Status}}', PLEX)).toBe('running');
    expect(alertPosts().filter((r) => r.json?.embeds?.[0]?.title === '🔴 Plex is down')).toHaveLength(1);
  }, 90_000);
});
