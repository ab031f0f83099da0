import { mkdirSync, mkdtempSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateHistory, generateLibrary, sampleUsers } from '../fakes/library.ts';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { createJobContext } from '../src/jobs/context.ts';
import { startJobs } from '../src/jobs/index.ts';
import { plexMonitor } from '../src/jobs/plex-monitor.ts';
import { createSilentLogger } from '../src/logger.ts';
import { DATABASE_FILE, openStore } from '../src/services/store/index.ts';
import { expectedStats } from './helpers/expected-stats.ts';
import { startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';

// Issue 15, items 1 and 2: the faults a home server really has, made real. The database in DATA_DIR is
// broken on disk the ways that hold for root too (garbage, truncated, a directory where the file belongs),
// and the fake Discord answers 500 to the alert post, as Discord does in an outage.

const ADMIN = { id: '600000000000000001', username: 'owner', admin: true };
const MEMBER = { id: '600000000000000002', username: 'guest' };
const ALEX = 1001;
const library = generateLibrary({ artists: 3, albumsPerArtist: 2, tracksPerAlbum: 4, seed: 15 });
const artist = library.artists[0]!;
const history = generateHistory(
  library,
  sampleUsers().filter((u) => u.userId === ALEX),
  { seed: 15, playsPerUser: 40, artistKeys: [artist.ratingKey], spanDays: 10 },
);

/** A DATA_DIR whose database is broken on disk in one of the ways a home server breaks it. */
const BROKEN: ReadonlyArray<readonly [string, (file: string) => void, string]> = [
  [
    'overwritten with garbage',
    (file) => writeFileSync(file, Buffer.alloc(64 * 1024, 'not sqlite ')),
    'the file is not a database: SQLITE_NOTADB',
  ],
  [
    'truncated to half its size',
    (file) => {
      const store = openStore(join(file, '..'));
      for (let i = 0; i < 200; i++) store.openIncident(i, i, `HTTP 503 ${'.'.repeat(400)}`);
      store.close();
      truncateSync(file, Math.floor(statSync(file).size / 2));
    },
    'the file is corrupt: SQLITE_CORRUPT',
  ],
  [
    'a directory where the file belongs',
    (file) => mkdirSync(file),
    'the file cannot be opened: SQLITE_CANTOPEN',
  ],
];

function brokenDataDir(breakIt: (file: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'autoalex-broken-'));
  breakIt(join(dir, DATABASE_FILE));
  return dir;
}

let running: Harness | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function harness(env: Record<string, string>) {
  const h = await startHarness({
    library,
    history,
    docker: true,
    env: { PLEX_POLL_TIMEOUT: '1', PLEX_FAILURE_THRESHOLD: '1', ...env },
  });
  running = h;
  const ctx = createJobContext(h.bot.client, {
    config: h.config,
    services: h.services,
    logger: createSilentLogger(),
  });
  return Object.assign(h, { ctx, tick: () => plexMonitor.run(ctx) });
}

const alertPosts = (h: Harness): RecordedRequest[] =>
  h.discord.requests.filter(
    (r) => r.method === 'POST' && r.path === `/channels/${h.discord.alertChannelId}/messages`,
  );
const alertsInChannel = (h: Harness) =>
  [...h.discord.messages.values()].filter((m) => m.embeds[0]?.title === '🔴 Plex is down');

async function slash(h: Harness, subcommand: string, options: Array<{ name: string; value: string }> = []) {
  const interaction = await h.discord.slashCommand({
    name: 'alex',
    subcommand,
    options: options.map((o) => ({ ...o, type: 3 })),
    user: MEMBER,
  });
  const answer = await h.discord.waitForRequest(
    (r) =>
      (r.method === 'PATCH' && r.path.endsWith(`/${interaction.token}/messages/@original`)) ||
      (r.method === 'POST' && r.path.endsWith(`/${interaction.token}`)),
    10_000,
  );
  return answer.json;
}

describe('the Plex monitor when the database cannot be used', () => {
  it.each(BROKEN)(
    'still alerts, from memory, when the database is %s, and says the database is broken',
    async (_name, breakIt, problem) => {
      const h = await harness({ DATA_DIR: brokenDataDir(breakIt) });
      h.plex!.failure = { kind: 'status', status: 503 };
      await h.tick();

      const [alert, ...more] = alertsInChannel(h);
      expect(more).toEqual([]);
      const embed = alert!.embeds[0]!;
      expect(embed.fields![0]).toMatchObject({ name: 'What failed', value: 'HTTP 503' });
      expect(embed.fields![2]!.value).toMatch(/^\*\*running\*\*/);
      expect(embed.fields![3]).toEqual({
        name: '⚠️ Database',
        value: `Autoalex cannot use its database (${problem}): this alert comes from memory, and a restart of the bot forgets the incident. Check DATA_DIR (autoalex.db).`,
      });

      // The buttons work from memory too.
      const ack = (alert!.components![0] as { components: Array<{ custom_id: string; label: string }> })
        .components[1]!;
      expect(ack.label).toBe('Acknowledge');
      const press = await h.discord.button(ack.custom_id, { messageId: alert!.id, user: ADMIN });
      const acked = await h.discord.waitForRequest(
        (r) => r.method === 'POST' && r.path.endsWith(`/${press.token}`),
      );
      expect(acked.json.content).toBe('👀 <@600000000000000001> acknowledged incident #1 (unsaved).');
      expect(embed.footer?.text).toBe('Incident #1 (unsaved)');

      // Later checks stay quiet while Plex is down, and the recovery answers the alert.
      await h.tick();
      expect(alertPosts(h)).toHaveLength(1);
      h.plex!.failure = { kind: 'none' };
      await h.tick();
      const recovery = alertPosts(h)[1]!;
      expect(recovery.json.embeds[0].title).toBe('🟢 Plex is back');
      expect(recovery.json.message_reference.message_id).toBe(alert!.id);
      expect(alertPosts(h)).toHaveLength(2);
    },
    30_000,
  );

  it('`/alex status` answers from the probe and says the database is broken', async () => {
    const h = await harness({ DATA_DIR: brokenDataDir(BROKEN[0]![1]) });
    const embed = (await slash(h, 'status')).embeds[0];
    expect(embed.title).toBe('🟢 Plex is up');
    expect(embed.description).toMatch(/^Answered in \d+ ms/);
    expect(embed.fields[0].value).toMatch(/^`binhex-plexpass`: \*\*running\*\*/);
    expect(embed.fields[2].value).toBe('None in the last 7 days.');
    expect(embed.fields[3]).toEqual({
      name: '⚠️ Database',
      value:
        'Autoalex cannot use its database (the file is not a database: SQLITE_NOTADB): incidents and uptime cover only what it saw since it started. Check DATA_DIR (autoalex.db).',
    });
  });

  it('`completion user:<name>` answers for the named user without reading the database', async () => {
    const h = await harness({ DATA_DIR: brokenDataDir(BROKEN[0]![1]) });
    const answer = await slash(h, 'completion', [
      { name: 'artist', value: artist.title },
      { name: 'user', value: 'Alex' },
    ]);
    const want = expectedStats(library, history, artist.ratingKey, [ALEX]);
    expect(want.played).toBeGreaterThan(0);
    expect(answer.content ?? answer.embeds?.[0]?.description).toContain(
      `Alex has listened to ${want.percent}% (${want.played}/${want.total}) of ${artist.title}'s collection on this server.`,
    );
  });
});

describe('an alert post that Discord refuses', () => {
  it('is posted again, waiting longer each time, until Discord takes it; once', async () => {
    const h = await harness({ PLEX_POLL_INTERVAL: '1' });
    const alertPath = `/channels/${h.discord.alertChannelId}/messages`;
    let refusals = 3;
    h.discord.failureFor = (r) =>
      r.method === 'POST' && r.path === alertPath && refusals-- > 0
        ? { kind: 'status', status: 500 }
        : undefined;
    const stop = startJobs(h.ctx, [plexMonitor]);
    try {
      h.plex!.failure = { kind: 'status', status: 503 };
      const delivered = await h.discord.waitForRequest(
        (r) => r.method === 'POST' && r.path === alertPath && r.status === 200,
        30_000,
      );
      const tries = alertPosts(h);
      expect(tries.map((r) => r.status)).toEqual([500, 500, 500, 200]);
      // Back-off from the poll interval (1 s): about 1 s, 2 s and 4 s between the tries.
      const gaps = tries.slice(1).map((r, i) => r.at - tries[i]!.at);
      expect(gaps[0]).toBeGreaterThanOrEqual(500);
      expect(gaps[1]).toBeGreaterThan(gaps[0]!);
      expect(gaps[2]).toBeGreaterThan(gaps[1]!);
      expect(delivered.at - tries[0]!.at).toBeLessThan(10_000);
      expect(delivered.json.embeds[0].title).toBe('🔴 Plex is down');
      expect(delivered.json.embeds[0].fields[0]).toMatchObject({ name: 'What failed', value: 'HTTP 503' });
      expect(alertsInChannel(h)).toHaveLength(1);
      // Nothing more while Plex stays down.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(alertPosts(h)).toHaveLength(4);
    } finally {
      stop();
    }
  }, 45_000);

  it('is replaced by the recovery, saying what had failed, when Plex is back before Discord', async () => {
    const h = await harness({});
    h.discord.failureFor = () => ({ kind: 'status', status: 500 });
    h.plex!.failure = { kind: 'status', status: 503 };
    await h.tick();
    // Plex and Discord are back by the next check: the recovery goes out then, not after the alert's back-off.
    h.plex!.failure = { kind: 'none' };
    h.discord.failureFor = undefined;
    await h.tick();
    expect(alertPosts(h).map((r) => r.status)).toEqual([500, 200]);
    const [, recovery, ...more] = alertPosts(h);
    expect(more).toEqual([]);
    expect(recovery!.status).toBe(200);
    expect(recovery!.json.embeds[0].title).toBe('🟢 Plex is back');
    expect(recovery!.json.embeds[0].description).toMatch(
      /^Down for \*\*\d+s\*\* \(since <t:\d+:f>\)\. What failed: HTTP 503\./,
    );
    expect(recovery!.json.message_reference).toBeUndefined();
    expect(alertsInChannel(h)).toEqual([]);
    await h.tick();
    expect(alertPosts(h)).toHaveLength(2);
  });
});
