import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createJobContext } from '../src/jobs/context.ts';
import { startJobs } from '../src/jobs/index.ts';
import { plexMonitor } from '../src/jobs/plex-monitor.ts';
import type { JobContext } from '../src/jobs/types.ts';
import { createSilentLogger } from '../src/logger.ts';
import { createMonitor, observedUptime } from '../src/services/health/monitor.ts';
import type { ProbeResult } from '../src/services/health/monitor.ts';
import { openStore } from '../src/services/store/index.ts';
import { recoveryEmbed } from '../src/views/monitor.ts';
import { generateLibrary } from '../fakes/library.ts';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';

const ADMIN = { id: '600000000000000001', username: 'owner', admin: true };
const MEMBER = { id: '600000000000000002', username: 'guest' };
const library = generateLibrary({ artists: 5, albumsPerArtist: 2, tracksPerAlbum: 3, seed: 9 });

async function harness(
  env: Record<string, string> = {},
): Promise<Harness & { ctx: JobContext; tick(): Promise<void> }> {
  const h = await startHarness({ library, docker: true, env: { PLEX_POLL_TIMEOUT: '1', ...env } });
  // The production wiring (src/index.ts uses the same function), so a reply that it drops is caught here.
  const ctx = createJobContext(h.bot.client, {
    config: h.config,
    services: h.services,
    logger: createSilentLogger(),
  });
  return Object.assign(h, { ctx, tick: () => plexMonitor.run(ctx) });
}

const alertPosts = (h: Harness, since = 0): RecordedRequest[] =>
  h.discord.requests
    .slice(since)
    .filter((r) => r.method === 'POST' && r.path === `/channels/${h.discord.alertChannelId}/messages`);

describe('the Plex monitor', () => {
  let h: Awaited<ReturnType<typeof harness>>;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    h.plex!.failure = { kind: 'none' };
    h.docker!.failure = { kind: 'none' };
  });

  it('stays quiet while Plex answers and on a single failed check (threshold 2)', async () => {
    await h.tick();
    h.plex!.failure = { kind: 'status', status: 503 };
    await h.tick();
    expect(h.services.monitor.state()).toBe('pending');
    h.plex!.failure = { kind: 'none' };
    await h.tick();
    expect(h.services.monitor.state()).toBe('up');
    expect(alertPosts(h)).toEqual([]);
  });

  it('posts exactly one alert with the failure, the container state and its log tail; one recovery as a reply', async () => {
    h.plex!.failure = { kind: 'status', status: 503 };
    for (let i = 0; i < 5; i++) await h.tick();
    const [alert, ...more] = alertPosts(h);
    expect(more).toEqual([]);
    const embed = alert!.json.embeds[0];
    expect(embed.title).toBe('🔴 Plex is down');
    expect(embed.fields[0]).toMatchObject({ name: 'What failed', value: 'HTTP 503' });
    expect(embed.fields[2].name).toBe('Container binhex-plexpass');
    expect(embed.fields[2].value).toMatch(/^\*\*running\*\*/);
    expect(alert!.json.embeds[0].description).toMatch(/^Last 50 log lines:\n```\n/);
    expect(embed.description).not.toContain(String.fromCharCode(27));
    const buttons = alert!.json.components[0].components.map((c: { label: string }) => c.label);
    expect(buttons).toEqual(['More logs', 'Acknowledge']);
    const alertId = [...h.discord.messages.values()].find(
      (m) => m.embeds[0]?.title === '🔴 Plex is down',
    )?.id;

    h.plex!.failure = { kind: 'none' };
    await h.tick();
    await h.tick();
    const [, recovery, ...none] = alertPosts(h);
    expect(none).toEqual([]);
    expect(recovery!.json.embeds[0].title).toBe('🟢 Plex is back');
    expect(recovery!.json.embeds[0].description).toMatch(/^Down for \*\*\d+s\*\* \(since <t:\d+:f>\)\./);
    expect(recovery!.json.message_reference.message_id).toBe(alertId);
    expect(h.services.store.currentIncident()).toBeUndefined();
  });

  it('attaches the log tail as a file when it does not fit, without ANSI codes', async () => {
    const big = await harness({ PLEX_LOG_LINES: '300', PLEX_FAILURE_THRESHOLD: '1' });
    try {
      big.plex!.failure = { kind: 'status', status: 500 };
      await big.tick();
      const [alert] = alertPosts(big);
      expect(alert!.json.embeds[0].description).toBe('The last 300 log lines are attached.');
      const file = alert!.files[0]!;
      expect(file.name).toMatch(/^plex-incident-\d+\.log$/);
      const text = file.data.toString('utf8');
      expect(text.split('\n').slice(0, -1)).toHaveLength(300);
      expect(text).not.toContain(String.fromCharCode(27));
    } finally {
      await big.stop();
    }
  });

  it('says in the alert when Docker is unreachable or the container is missing', async () => {
    const missing = await harness({ PLEX_CONTAINER_NAME: 'not-plex', PLEX_FAILURE_THRESHOLD: '1' });
    try {
      missing.plex!.failure = { kind: 'status', status: 500 };
      await missing.tick();
      expect(alertPosts(missing)[0]!.json.embeds[0].fields[2].value).toBe(
        'No container named `not-plex` (check PLEX_CONTAINER_NAME).',
      );
      await missing.stop();
    } catch (error) {
      await missing.stop();
      throw error;
    }
    const noDocker = await harness({ PLEX_FAILURE_THRESHOLD: '1' });
    try {
      noDocker.docker!.failure = { kind: 'down' };
      noDocker.plex!.failure = { kind: 'down' };
      await noDocker.tick();
      const alert = alertPosts(noDocker)[0]!.json.embeds[0];
      expect(alert.fields[0].value).toMatch(/^(connection (reset|closed)|network error)/);
      expect(alert.fields[2].value).toMatch(/^Could not reach Docker at unix:\/\/.*Is the socket mounted/);
    } finally {
      await noDocker.stop();
    }
  });
});

describe('alert buttons', () => {
  it('are admin-only on every press; More logs and Acknowledge work; Restart only when enabled and confirmed', async () => {
    const h = await harness({ PLEX_FAILURE_THRESHOLD: '1', MONITOR_ALLOW_RESTART: 'true' });
    try {
      h.plex!.failure = { kind: 'status', status: 503 };
      await h.tick();
      const alert = [...h.discord.messages.values()].find((m) => m.embeds[0]?.title === '🔴 Plex is down')!;
      const ids = (alert.components![0] as { components: Array<{ custom_id: string; label: string }> })
        .components;
      expect(ids.map((c) => c.label)).toEqual(['More logs', 'Acknowledge', 'Restart container']);
      const [logs, ack, restart] = ids.map((c) => c.custom_id);
      const followUp = async (press: { token: string }) =>
        (await h.discord.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/${press.token}`)))
          .json;

      for (const id of [logs, ack, restart]) {
        const refused = await followUp(await h.discord.button(id!, { messageId: alert.id, user: MEMBER }));
        expect(refused).toMatchObject({
          content: 'Only server admins can use the Plex alert buttons.',
          flags: 64,
        });
      }
      expect(h.docker!.restarts).toEqual([]);

      const logsPress = await h.discord.button(logs!, { messageId: alert.id, user: ADMIN });
      const logsReply = await h.discord.waitForRequest(
        (r) => r.method === 'POST' && r.path.endsWith(`/${logsPress.token}`),
      );
      expect(logsReply.json.flags).toBe(64);
      expect(logsReply.files[0]!.name).toBe('binhex-plexpass-last-500.log');
      expect(logsReply.files[0]!.data.toString('utf8').split('\n').slice(0, -1)).toHaveLength(500);

      expect(
        await followUp(await h.discord.button(ack!, { messageId: alert.id, user: ADMIN })),
      ).toMatchObject({
        content: expect.stringMatching(/^👀 <@600000000000000001> acknowledged incident #\d+\.$/),
      });
      expect(h.services.store.currentIncident()?.acknowledgedBy).toBe(ADMIN.id);

      const confirm = await followUp(await h.discord.button(restart!, { messageId: alert.id, user: ADMIN }));
      expect(confirm.flags).toBe(64);
      const yes = confirm.components[0].components[0].custom_id;
      const confirmMessage = [...h.discord.messages.values()].find((m) =>
        m.content?.startsWith('Restart the container'),
      )!;
      const done = await h.discord.button(yes, { messageId: confirmMessage.id, user: ADMIN });
      const edit = await h.discord.waitForRequest(
        (r) => r.method === 'PATCH' && r.path.endsWith(`/${done.token}/messages/@original`),
      );
      expect(edit.json.content).toBe('🔄 Restart of `binhex-plexpass` requested by <@600000000000000001>.');
      expect(h.docker!.restarts).toEqual(['binhex-plexpass']);
    } finally {
      await h.stop();
    }
  });

  it("never posts a token from Plex's log: not inline, not in the attached tail, not in More logs (issue 15 item 6)", async () => {
    const otherDevice = 'xPq7TzWb3kLm9NcV2aRs';
    const h = await harness({ PLEX_FAILURE_THRESHOLD: '1', PLEX_LOG_LINES: '5' });
    const big = await harness({ PLEX_FAILURE_THRESHOLD: '1', PLEX_LOG_LINES: '300' });
    try {
      for (const bot of [h, big]) {
        // What Plex Media Server.log carries: request lines with a client's token, and the server's own.
        bot.docker!.containers.get('binhex-plexpass')!.logs.push(
          {
            stream: 'stdout',
            line: `Request: [192.168.1.20:51234 (Subnet)] GET /:/timeline?ratingKey=1&X-Plex-Token=${otherDevice} (21 live) TLS GZIP`,
          },
          {
            stream: 'stdout',
            line: `Completed: [127.0.0.1:40000] 200 GET /identity?X-Plex-Token=${bot.config.plex.token} (2 live) 0ms`,
          },
          { stream: 'stderr', line: `Auth: token ${bot.config.plex.token} refused by plex.tv` },
        );
        bot.plex!.failure = { kind: 'status', status: 503 };
        await bot.tick();
      }
      const [inline] = alertPosts(h);
      const [attached] = alertPosts(big);
      expect(inline!.files).toEqual([]);
      expect(attached!.files).toHaveLength(1);
      const posted = [JSON.stringify(inline!.json), attached!.files[0]!.data.toString('utf8')];
      const alert = [...h.discord.messages.values()].find((m) => m.embeds[0]?.title === '🔴 Plex is down')!;
      const more = (alert.components![0] as { components: Array<{ custom_id: string }> }).components[0]!
        .custom_id;
      const press = await h.discord.button(more, { messageId: alert.id, user: ADMIN });
      const reply = await h.discord.waitForRequest(
        (r) => r.method === 'POST' && r.path.endsWith(`/${press.token}`),
      );
      posted.push(reply.files[0]!.data.toString('utf8'));
      for (const text of posted) {
        expect(text).toContain('X-Plex-Token=[redacted]');
        expect(text).not.toContain(otherDevice);
        expect(text).not.toContain(h.config.plex.token);
        expect(text).not.toContain(big.config.plex.token);
      }
      expect(posted[2]).toContain('Auth: token [redacted] refused');
    } finally {
      await Promise.all([h.stop(), big.stop()]);
    }
  });

  it('has no Restart button, and refuses a forged restart, unless MONITOR_ALLOW_RESTART is on', async () => {
    const h = await harness({ PLEX_FAILURE_THRESHOLD: '1' });
    try {
      h.plex!.failure = { kind: 'status', status: 503 };
      await h.tick();
      const id = h.services.store.currentIncident()!.id;
      const press = await h.discord.button(`monitor:restartyes:${id}`, { user: ADMIN });
      const reply = await h.discord.waitForRequest(
        (r) => r.method === 'POST' && r.path.endsWith(`/${press.token}`),
      );
      expect(reply.json.content).toBe('Restarting from Discord is turned off (MONITOR_ALLOW_RESTART).');
      expect(h.docker!.restarts).toEqual([]);
      expect(h.docker!.requests.filter((r) => r.method === 'POST')).toEqual([]);
    } finally {
      await h.stop();
    }
  });
});

describe('monitor state machine', () => {
  const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
  const fail = (at: number, reason = 'HTTP 503'): ProbeResult => ({ ok: false, ms: 5, reason, at });
  const ok = (at: number): ProbeResult => ({ ok: true, ms: 5, version: '1.41', at });

  it('measures downtime from the first failed check and reminds every PLEX_ALERT_REMINDER_MINUTES', () => {
    const store = openStore(':memory:');
    const monitor = createMonitor({ store, failureThreshold: 2, reminderMinutes: 10 });
    expect(monitor.record(fail(T0))).toBeNull();
    expect(monitor.record(fail(T0 + 30_000))?.kind).toBe('down');
    expect(monitor.record(fail(T0 + 9 * 60_000))).toBeNull();
    expect(monitor.record(fail(T0 + 10 * 60_000 + 30_000))?.kind).toBe('reminder');
    expect(monitor.record(fail(T0 + 15 * 60_000))).toBeNull();
    expect(monitor.record(fail(T0 + 20 * 60_000 + 30_000))?.kind).toBe('reminder');
    const up = monitor.record(ok(T0 + 22 * 60_000 + 30_000));
    expect(up).toMatchObject({ kind: 'up', downtimeMs: 22 * 60_000 + 30_000 });
    if (up?.kind === 'up')
      expect(recoveryEmbed(up.incident, up.downtimeMs, '1.41').description).toMatch(
        /^Down for \*\*22m 30s\*\*/,
      );
  });

  it('alerts once when it starts while Plex is down, and not again after a restart of the bot', () => {
    const store = openStore(':memory:');
    const first = createMonitor({ store, failureThreshold: 2, reminderMinutes: 0 });
    expect(first.record(fail(T0))).toBeNull();
    expect(first.record(fail(T0 + 1000))?.kind).toBe('down');
    // The bot restarts: a new monitor over the same database.
    const second = createMonitor({ store, failureThreshold: 2, reminderMinutes: 0 });
    expect(second.state()).toBe('down');
    for (let i = 2; i < 10; i++) expect(second.record(fail(T0 + i * 1000))).toBeNull();
    expect(second.record(ok(T0 + 60_000))).toMatchObject({ kind: 'up', downtimeMs: 60_000 });
    expect(store.incidentsSince(0)).toHaveLength(1);
  });

  it('alerts on the first failure with a threshold of 1', () => {
    const monitor = createMonitor({ store: openStore(':memory:'), failureThreshold: 1, reminderMinutes: 0 });
    expect(monitor.record(fail(T0))?.kind).toBe('down');
  });
});

describe('uptime over the time watched', () => {
  const DAY = 86_400_000;
  const T0 = Date.UTC(2026, 0, 5, 12);
  const fail = (at: number): ProbeResult => ({ ok: false, ms: 5, reason: 'HTTP 503', at });
  const ok = (at: number): ProbeResult => ({ ok: true, ms: 5, version: '1.41', at });
  it('counts downtime against the time watched, not against a whole window', () => {
    const store = openStore(':memory:');
    const monitor = createMonitor({ store, failureThreshold: 1, reminderMinutes: 0 });
    expect(store.watchedSince()).toBeUndefined();
    monitor.record(ok(T0));
    monitor.record(fail(T0 + 50 * 60_000));
    monitor.record(ok(T0 + 60 * 60_000));
    expect(store.watchedSince()).toBe(T0);
    const incidents = store.incidentsSince(0);
    // Ten minutes down in two hours watched: 91.67 %, not 99.31 % of a day or 99.90 % of a week.
    const now = T0 + 120 * 60_000;
    expect(observedUptime(incidents, DAY, now, store.watchedSince())).toEqual({
      percent: 100 - (100 * 10) / 120,
      observedMs: 120 * 60_000,
    });
    expect(observedUptime(incidents, 7 * DAY, now + 8 * DAY, T0)?.observedMs).toBe(7 * DAY);
    expect(observedUptime(incidents, DAY, now, undefined)).toBeNull();
  });
});

describe('/alex status', () => {
  it('shows Plex reachable with its name and version, the container, incidents and uptime', async () => {
    const h = await harness();
    const status = async () => {
      const interaction = await h.discord.slashCommand({ name: 'alex', subcommand: 'status', user: MEMBER });
      const edit = await h.discord.waitForRequest(
        (r) => r.method === 'PATCH' && r.path.endsWith(`/${interaction.token}/messages/@original`),
      );
      return edit.json.embeds[0];
    };
    try {
      const embed = await status();
      expect(embed.title).toBe('🟢 Plex is up');
      expect(embed.description).toMatch(/^Answered in \d+ ms · \*\*.+\*\* · version \d/);
      expect(embed.fields[0].value).toMatch(/^`binhex-plexpass`: \*\*running\*\* \(healthy\), up /);
      // Uptime is a share of the time the monitor watched: nothing before its first check, not "100 %".
      expect(embed.fields[1].value).toBe('Not measured yet: the monitor has not checked Plex.');
      expect(embed.fields[2].value).toBe('None in the last 7 days.');
      await h.tick();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await status()).fields[1].value).toMatch(/^100\.00% of the \ds watched so far$/);
    } finally {
      await h.stop();
    }
  });
});

describe('a hanging Plex while Docker cannot be reached', () => {
  it.each([
    ['gone (socket closed)', { kind: 'down' } as const, /^Could not reach Docker at /],
    [
      'hanging',
      { kind: 'slow', delayMs: 120_000 } as const,
      /^Docker did not answer within 2 s at unix:\/\/.+, so the container's state is unknown\.$/,
    ],
  ])(
    'posts one alert on schedule when Docker is %s, saying why the container could not be read',
    async (_name, dockerFailure, dockerText) => {
      // Poll every 2 s, probe timeout 2 s, threshold 2 (the end-to-end run that found the silence).
      const h = await harness({
        PLEX_POLL_INTERVAL: '2',
        PLEX_POLL_TIMEOUT: '2',
        PLEX_FAILURE_THRESHOLD: '2',
      });
      const stop = startJobs(h.ctx, [plexMonitor]);
      try {
        h.plex!.failure = { kind: 'slow', delayMs: 120_000 };
        h.docker!.failure = dockerFailure;
        const started = Date.now();
        const alert = await h.discord.waitForRequest(
          (r) => r.method === 'POST' && r.path === `/channels/${h.discord.alertChannelId}/messages`,
          30_000,
        );
        // interval × threshold + probe timeouts + Docker's own deadline (UPSTREAM_TIMEOUT 2 s), with slack.
        expect(Date.now() - started).toBeLessThan(2 * 2_000 + 2 * 2_000 + 2_000 + 3_000);
        expect(alert.json.embeds[0].title).toBe('🔴 Plex is down');
        const fields = alert.json.embeds[0].fields as Array<{ name: string; value: string }>;
        expect(fields[0]).toMatchObject({ name: 'What failed', value: 'no answer within 2 s' });
        expect(fields[2]).toMatchObject({
          name: 'Container binhex-plexpass',
          value: expect.stringMatching(dockerText),
        });
        // The bot still answers meanwhile.
        const status = await h.discord.slashCommand({ name: 'alex', subcommand: 'help', user: MEMBER });
        await h.discord.waitForCallback(status.id);
        expect(alertPosts(h)).toHaveLength(1);
      } finally {
        stop();
        h.plex!.failure = { kind: 'none' };
        h.docker!.failure = { kind: 'none' };
        await h.stop();
      }
    },
    60_000,
  );
});

describe('the Plex monitor on a Plex stuck in its answer (issue 15.16)', () => {
  it('names a stalled /identity body as no answer in time, not as an unexpected answer', async () => {
    const h = await harness();
    try {
      await h.tick();
      h.plex!.failure = { kind: 'stall-body' };
      const started = performance.now();
      await h.tick();
      await h.tick();
      expect(performance.now() - started).toBeLessThan(6000);
      const [alert] = alertPosts(h);
      expect(alert!.json.embeds[0].fields[0]).toMatchObject({
        name: 'What failed',
        value: 'no answer within 1 s',
      });
    } finally {
      await h.stop();
    }
  });
});
