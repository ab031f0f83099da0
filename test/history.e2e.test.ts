import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory, generateLibrary, sampleUsers } from '../fakes/library.ts';
import type { HistoryRow, LibArtist, Library } from '../fakes/library.ts';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { localDay } from '../src/services/listening/period.ts';
import { HISTORY_PAGE_CAP } from '../src/services/listening/mirror.ts';
import { expectedStats } from './helpers/expected-stats.ts';
import { startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';

/**
 * The local history mirror, end to end: the real bot against the Tautulli fake (which filters after/before
 * by the local day in its own time zone, like Tautulli). Auckland is UTC+13 in December: a day there is not
 * a UTC day, so a window or period computed in the wrong zone shows up as wrong numbers.
 */
const TZ = 'Pacific/Auckland';
const ALEX = 1001;
const OWNER = { id: '600000000000000001', username: 'alexd', admin: true };
/** Rating keys Plex no longer uses: rows of the re-matched artist are recorded under these. */
const OLD_KEY_OFFSET = 7_000_000;

let h: Harness;
let lib: Library;
/** What Tautulli really holds, and the same rows with the library's current keys (for the expectations). */
let served: HistoryRow[];
let truth: HistoryRow[];
let favourite: LibArtist;
let rematched: LibArtist;

type Json = RecordedRequest['json'];

async function ask(subcommand: string, options: Record<string, string>): Promise<Json> {
  const interaction = await h.discord.slashCommand({
    name: 'alex',
    subcommand,
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

const historyCalls = (since: number) =>
  h.tautulli.requests.slice(since).filter((r) => r.query.cmd === 'get_history');

function sentence(artist: LibArtist, rows: readonly HistoryRow[]): string {
  const want = expectedStats(lib, rows, artist.ratingKey, [ALEX]);
  return `You have listened to ${want.percent}% (${want.played}/${want.total}) of ${artist.title}'s collection on this server.`;
}

beforeAll(async () => {
  lib = generateLibrary({ artists: 25, albumsPerArtist: [2, 6], tracksPerAlbum: [4, 10], seed: 21 });
  const users = sampleUsers();
  truth = generateHistory(lib, users, {
    seed: 9,
    playsPerUser: users.map((u) => (u.userId === ALEX ? 5000 : 800)),
    spanDays: 200,
  });
  const rows = (key: string) => truth.filter((r) => String(r.grandparent_rating_key) === key).length;
  const byRows = [...lib.artists].sort((a, b) => rows(b.ratingKey) - rows(a.ratingKey));
  favourite = byRows[0] as LibArtist;
  rematched = byRows[1] as LibArtist;
  // Plex re-matched `rematched`: its tracks have new keys, and Tautulli keeps the old ones on its rows.
  served = truth.map((row) =>
    String(row.grandparent_rating_key) === rematched.ratingKey
      ? { ...row, rating_key: row.rating_key + OLD_KEY_OFFSET }
      : row,
  );
  h = await startHarness({ library: lib, history: served, env: { TZ } });
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
afterAll(() => h.stop());

describe('the listening history mirror', () => {
  it('answers from a get_history walk before it is filled', async () => {
    const since = h.tautulli.requests.length;
    const reply = await ask('completion', { artist: favourite.ratingKey });
    expect(reply.content).toBe(sentence(favourite, truth));
    expect(historyCalls(since).length).toBeGreaterThan(0);
    expect(h.services.history.status()).toBe('idle');
    const top = await ask('top', {});
    expect(top.content).toMatch(/^The listening history is still loading/);
    expect(top.flags).toBe(64);
  });

  it('fills in date windows of at most the page cap, oldest first, ungrouped, never length=-1', async () => {
    const since = h.tautulli.requests.length;
    const report = await h.services.history.sync();
    expect(h.services.history.status()).toBe('ready');
    const calls = historyCalls(since).map((r) => r.query);
    expect(report.requests).toBe(calls.length);
    expect(report.rows).toBe(served.filter((r) => r.media_type === 'track').length);
    const windows = calls.filter((q) => q.after && q.before);
    expect(windows.length).toBeGreaterThan(3);
    for (const q of calls) {
      expect(q).toMatchObject({ media_type: 'track', order_column: 'date', order_dir: 'asc', grouping: '0' });
      expect(Number(q.length)).toBeGreaterThan(0);
      expect(Number(q.length)).toBeLessThanOrEqual(HISTORY_PAGE_CAP);
    }
    // Every window kept matched at most the cap (wider ones are narrowed before anything is kept).
    const dayOf = (row: HistoryRow) => localDay(row.started, TZ);
    const kept = windows.filter((q, i) => windows[i + 1]?.after !== q.after);
    for (const q of kept) {
      const inWindow = served.filter(
        (r) =>
          r.media_type === 'track' && dayOf(r) >= (q.after as string) && dayOf(r) <= (q.before as string),
      );
      expect(inWindow.length).toBeLessThanOrEqual(HISTORY_PAGE_CAP);
    }
    // The windows tile the history: each starts the day after the previous kept one ended.
    for (let i = 1; i < kept.length; i++) {
      const previous = new Date(`${kept[i - 1]?.before}T00:00:00Z`);
      previous.setUTCDate(previous.getUTCDate() + 1);
      expect(kept[i]?.after).toBe(previous.toISOString().slice(0, 10));
    }
  });

  it('then answers completion, compare and the leaderboard without asking Tautulli', async () => {
    const since = h.tautulli.requests.length;
    expect((await ask('completion', { artist: favourite.ratingKey })).content).toBe(
      sentence(favourite, truth),
    );
    await ask('compare', { artist: favourite.ratingKey, user_a: '1002' });
    await ask('leaderboard', { artist: favourite.ratingKey });
    expect(historyCalls(since)).toEqual([]);
  });

  it('lists top artists and albums from the mirror, and who else listens to an artist', async () => {
    const since = h.tautulli.requests.length;
    const reply = await ask('top', { what: 'artists' });
    // Independent count: Alex's track rows per artist name, a play per reference_id.
    const perArtist = new Map<string, Set<number>>();
    for (const r of truth) {
      if (r.media_type !== 'track' || r.user_id !== ALEX) continue;
      const set = perArtist.get(r.grandparent_title) ?? new Set<number>();
      perArtist.set(r.grandparent_title, set.add(r.reference_id as number));
    }
    const ranked = [...perArtist].map(([title, refs]) => [title, refs.size] as const);
    ranked.sort((a, b) => b[1] - a[1]);
    const lines = (reply.embeds[0].description as string).split('\n');
    expect(reply.embeds[0].title).toBe('Top artists — Alex, all time');
    expect(lines).toHaveLength(10);
    for (const [i, [title, plays]] of ranked.slice(0, 3).entries()) {
      expect(lines[i]).toMatch(new RegExp(`^${i + 1}\\. \\*\\*.+\\*\\* · ${plays} plays · `));
      if (ranked[i + 1]?.[1] !== plays && ranked[i - 1]?.[1] !== plays)
        expect(lines[i]).toContain(`**${title}**`);
    }
    const albums = await ask('top', { what: 'albums', user: 'all', period: 'year' });
    expect(albums.embeds[0].title).toBe('Top albums — everyone, this year');
    expect(albums.embeds[0].description).toBe('No music played this year.');
    const who = await ask('top', { artist: favourite.ratingKey });
    expect(who.embeds[0].title).toBe(`Who listens to ${favourite.title} — all time`);
    expect(who.embeds[0].description.split('\n')[0]).toMatch(/^1\. \*\*Alex\*\* · \d+ plays$/);
    expect(historyCalls(since)).toEqual([]);
  });

  it('counts plays recorded under rating keys Plex has since changed, by album and title', async () => {
    const reply = await ask('completion', { artist: rematched.ratingKey });
    const want = expectedStats(lib, truth, rematched.ratingKey, [ALEX]);
    expect(want.played).toBeGreaterThan(0);
    expect(reply.content).toBe(sentence(rematched, truth));
    // Tautulli's own rows carry only the old keys: a key-only count would find nothing.
    expect(expectedStats(lib, served, rematched.ratingKey, [ALEX]).played).toBe(0);
  });

  it('takes new plays in with one small request per tick', async () => {
    const last = served[served.length - 1] as HistoryRow;
    const track = lib.tracks.find((t) => t.artistKey === favourite.ratingKey) as Library['tracks'][number];
    const template = served.find((r) => r.media_type === 'track' && r.user_id === ALEX) as HistoryRow;
    const id = (last.id as number) + 1;
    const row: HistoryRow = {
      ...template,
      id,
      row_id: id,
      reference_id: id,
      started: last.started + 600,
      date: last.started + 600,
      stopped: last.started + 800,
      rating_key: Number(track.ratingKey),
      parent_rating_key: Number(track.albumKey),
      grandparent_rating_key: Number(track.artistKey),
      title: track.title,
      parent_title: track.albumTitle,
      grandparent_title: track.artistTitle,
    };
    h.tautulli.history = [...served, row];
    const since = h.tautulli.requests.length;
    const report = await h.services.history.sync();
    expect(report.requests).toBe(1);
    expect(historyCalls(since)[0]?.query).toMatchObject({ after: localDay(last.started, TZ) });
    const before = expectedStats(lib, truth, favourite.ratingKey, [ALEX]).plays;
    const reply = await ask('completion', { artist: favourite.ratingKey });
    expect(reply.embeds[0].description).toContain(`${before + 1} plays`);
    served = h.tautulli.history;
    truth = [...truth, row];
  });

  it('drops history deleted in Tautulli when it reconciles the months', async () => {
    const doomed = served
      .filter((r) => r.user_id === ALEX && String(r.grandparent_rating_key) === favourite.ratingKey)
      .slice(0, 400)
      .map((r) => r.id as number);
    const response = await fetch(
      `${h.tautulli.url}/api/v2?apikey=${h.config.tautulli.apiKey}&cmd=delete_history&row_ids=${doomed.join(',')}`,
    );
    expect(response.status).toBe(200);
    const gone = new Set(doomed);
    truth = truth.filter((r) => !gone.has(r.id as number));
    served = h.tautulli.history;
    const report = await h.services.history.reconcile();
    expect(report.refetchedMonths.length).toBeGreaterThan(0);
    const reply = await ask('completion', { artist: favourite.ratingKey });
    expect(reply.content).toBe(sentence(favourite, truth));
    const plays = expectedStats(lib, truth, favourite.ratingKey, [ALEX]).plays;
    expect(reply.embeds[0].description).toContain(`${plays} plays`);
  });
});
