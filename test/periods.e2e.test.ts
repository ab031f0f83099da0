import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory, generateLibrary, sampleUsers } from '../fakes/library.ts';
import type { HistoryRow, LibArtist, Library } from '../fakes/library.ts';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { parsePeriod } from '../src/services/listening/period.ts';
import { expectedStats } from './helpers/expected-stats.ts';
import { startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';

/**
 * Periods are calendar periods in the server's TZ. In Auckland (UTC+13 in summer) New Year starts at
 * 11:00 UTC on 31 December: a play at 11:30 UTC that day is in 2026 there, in 2025 for UTC.
 */
const TZ = 'Pacific/Auckland';
const ALEX = 1001;
const OWNER = { id: '610000000000000001', username: 'alexd', admin: true };
/** 2025-12-31 23:30 and 2026-01-01 00:30 in Auckland. */
const LAST_OF_2025 = Date.UTC(2025, 11, 31, 10, 30) / 1000;
const FIRST_OF_2026 = Date.UTC(2025, 11, 31, 11, 30) / 1000;

const localYear = (unix: number) =>
  new Intl.DateTimeFormat('en', { timeZone: TZ, year: 'numeric' }).format(new Date(unix * 1000));

describe('parsePeriod', () => {
  it('starts the week on Monday 00:00 in the server zone, also late on a Sunday', () => {
    // Sunday 2026-03-08 23:30 in Auckland = 10:30 UTC the same day; the week began Monday 2 March 00:00 local.
    const now = Date.UTC(2026, 2, 8, 10, 30) / 1000;
    expect(parsePeriod('week', TZ, now).from).toBe(Date.UTC(2026, 2, 1, 11, 0) / 1000);
    expect(parsePeriod('week', 'UTC', now).from).toBe(Date.UTC(2026, 2, 2) / 1000);
  });

  it('bounds a calendar year and this month by local midnights, across a DST change', () => {
    const year = parsePeriod('2025', TZ, Date.UTC(2026, 5, 1) / 1000);
    expect(year).toMatchObject({ from: Date.UTC(2024, 11, 31, 11) / 1000, to: FIRST_OF_2026 - 1800 });
    // 1 April 2026 00:00 in Auckland is still NZDT (UTC+13; DST ends on 5 April): 11:00 UTC on 31 March.
    expect(parsePeriod('month', TZ, Date.UTC(2026, 3, 20) / 1000).from).toBe(
      Date.UTC(2026, 2, 31, 11) / 1000,
    );
    // 1 May is after DST ended (UTC+12).
    expect(parsePeriod('month', TZ, Date.UTC(2026, 4, 20) / 1000).from).toBe(
      Date.UTC(2026, 3, 30, 12) / 1000,
    );
  });

  it('refuses what it does not know, saying what it takes', () => {
    expect(() => parsePeriod('fortnight', TZ)).toThrow(/week, month, year, all or a year from 2000/);
    expect(() => parsePeriod('1999', TZ)).toThrow(/period/);
  });
});

let h: Harness;
let lib: Library;
let rows: HistoryRow[];
let artist: LibArtist;

async function ask(options: Record<string, string>): Promise<RecordedRequest['json']> {
  const interaction = await h.discord.slashCommand({
    name: 'alex',
    subcommand: 'completion',
    options: Object.entries(options).map(([name, value]) => ({ name, value, type: 3 })),
    user: OWNER,
  });
  const request = await h.discord.waitForRequest(
    (r) =>
      (r.method === 'PATCH' && r.path.endsWith(`/${interaction.token}/messages/@original`)) ||
      (r.method === 'POST' && r.path.endsWith(`/${interaction.token}`)),
  );
  return request.json;
}

describe('a period boundary in a non-UTC time zone', () => {
  beforeAll(async () => {
    lib = generateLibrary({ artists: 3, albumsPerArtist: [2, 3], tracksPerAlbum: [5, 8], seed: 3 });
    const alex = sampleUsers().filter((u) => u.userId === ALEX);
    artist = lib.artists[0] as LibArtist;
    rows = generateHistory(lib, alex, {
      seed: 2,
      playsPerUser: 120,
      artistKeys: [artist.ratingKey],
      startTime: Date.UTC(2025, 11, 1) / 1000,
      spanDays: 20,
    });
    // The last two listens of distinct tracks, moved to either side of New Year in Auckland.
    const tracks = rows.filter(
      (r) => r.media_type === 'track' && r.grandparent_rating_key === Number(artist.ratingKey),
    );
    const a = tracks.at(-1) as HistoryRow;
    const b = tracks.findLast((r) => r.rating_key !== a.rating_key) as HistoryRow;
    Object.assign(b, { started: LAST_OF_2025, date: LAST_OF_2025, stopped: LAST_OF_2025 + 200 });
    Object.assign(a, { started: FIRST_OF_2026, date: FIRST_OF_2026, stopped: FIRST_OF_2026 + 200 });
    rows.sort((x, y) => x.started - y.started);
    h = await startHarness({ library: lib, history: rows, env: { TZ } });
    h.tautulli.timeZone = TZ;
    const linked = await h.discord.slashCommand({
      name: 'alex',
      subcommand: 'link',
      options: [{ name: 'plex_user', type: 3, value: String(ALEX) }],
      user: OWNER,
    });
    // The link is stored before its answer replaces "thinking…".
    await h.discord.waitForRequest(
      (r) => r.method === 'PATCH' && r.path.endsWith(`/${linked.token}/messages/@original`),
    );
  });
  afterAll(() => h?.stop());

  const expected = (year: string) => {
    const inYear = rows.filter((r) => localYear(r.started) === year);
    const want = expectedStats(lib, inYear, artist.ratingKey, [ALEX]);
    return `You have listened to ${want.percent}% (${want.played}/${want.total}) of ${artist.title}'s collection on this server in ${year}.`;
  };

  it.each(['walk, before the mirror is filled', 'mirror'])(
    'puts a play at 00:30 local on 1 January in the new year (%s)',
    async (how) => {
      if (how === 'mirror') await h.services.history.sync();
      expect(h.services.history.status()).toBe(how === 'mirror' ? 'ready' : 'idle');
      const in2025 = await ask({ artist: artist.ratingKey, period: '2025' });
      const in2026 = await ask({ artist: artist.ratingKey, period: '2026' });
      expect(in2025.content).toBe(expected('2025'));
      expect(in2026.content).toBe(expected('2026'));
      const plays = (inYear: (r: HistoryRow) => boolean) =>
        expectedStats(lib, rows.filter(inYear), artist.ratingKey, [ALEX]).plays;
      const local2026 = plays((r) => localYear(r.started) === '2026');
      expect(in2026.embeds[0].description).toContain(` ${local2026} play`);
      // A UTC reading would count one play fewer in 2026: the one at 00:30 on New Year's Day.
      expect(plays((r) => new Date(r.started * 1000).getUTCFullYear() === 2026)).toBe(local2026 - 1);
    },
  );
});
