import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { generateHistory, generateLibrary, sampleUsers } from '../fakes/library.ts';
import type { HistoryRow, HistoryUser, LibArtist, Library } from '../fakes/library.ts';
import { tautulliUsers } from '../fakes/tautulli-history.ts';
import type { TautulliUserRow } from '../fakes/tautulli-history.ts';
import { expectedLeaderboard } from './helpers/expected-leaderboard.ts';
import type { ExpectedEntry, ExpectedLeaderboard } from './helpers/expected-leaderboard.ts';
import { startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';

const ALEX = 1001;
const SAM = 1002;
const OWNER = { id: '500000000000000001', username: 'alexd', admin: true };
const GUEST = { id: '500000000000000002', username: 'guest' };
/** A Plex name that would ping everyone and turn bold if it were not escaped. */
const LOUD = { userId: 4999, username: 'loud', friendlyName: '@everyone *DJ*' };

let h: Harness;
let lib: Library;
let history: HistoryRow[];
let users: TautulliUserRow[];
/** The artist with the most listeners (more than one page) and the one with the most plays (several get_history pages). */
let crowded: LibArtist;
let busiest: LibArtist;
/** Artists nobody plays in the generated history; the tests below write their plays by hand. */
let tieByPlays: LibArtist;
let levelTie: LibArtist;
let unplayed: LibArtist;

type Json = RecordedRequest['json'];

async function slash(artist: string, user: object = GUEST) {
  return h.discord.slashCommand({
    name: 'alex',
    subcommand: 'leaderboard',
    options: [{ name: 'artist', type: 3, value: artist }],
    user,
  });
}

/** The visible answer of a deferred command or press: the @original edit, or the ephemeral follow-up. */
async function answer(token: string): Promise<Json> {
  const request = await h.discord.waitForRequest(
    (r) =>
      (r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`)) ||
      (r.method === 'POST' && r.path.endsWith(`/${token}`)),
  );
  return request.json;
}

async function prefix(content: string, user: object = GUEST): Promise<Json> {
  const sent = await h.discord.userMessage(content, { user });
  return (await h.discord.waitForRequest((r) => r.json?.message_reference?.message_id === sent.id)).json;
}

/** A listen of one track, written like the generated rows (the newest row so far). */
function listen(user: HistoryUser, trackKey: string): HistoryRow {
  const track = lib.tracks.find((t) => t.ratingKey === trackKey);
  const last = history[history.length - 1] as HistoryRow;
  const template = history.find((r) => r.media_type === 'track') as HistoryRow;
  const id = (last.id as number) + 1;
  const started = last.started + 300;
  const row: HistoryRow = {
    ...template,
    reference_id: id,
    row_id: id,
    id,
    date: started,
    started,
    stopped: started + 200,
    user_id: user.userId,
    user: user.username,
    friendly_name: user.friendlyName,
    rating_key: Number(trackKey),
    parent_rating_key: Number(track?.albumKey),
    grandparent_rating_key: Number(track?.artistKey),
    title: track?.title ?? '',
    parent_title: track?.albumTitle ?? '',
    grandparent_title: track?.artistTitle ?? '',
  };
  history.push(row);
  return row;
}

/** "👑 **1.** **Sam** — ▰▰▱… 42% (5/12) · 7 plays …" → the numbers, with the name unescaped. */
function parseLines(description: string) {
  return description
    .split('\n\n')[0]!
    .split('\n')
    .map((line) => {
      const m =
        /^(👑 )?\*\*(\d+)\.\*\* \*\*(.+?)\*\*(?: ← you)? — [▰▱]{10} (\d+)% \((\d+)\/(\d+)\) · (\d+) plays?/.exec(
          line,
        );
      if (!m) throw new Error(`unexpected line: ${line}`);
      return {
        crown: m[1] !== undefined,
        rank: Number(m[2]),
        name: m[3]!.replace(/\\(.)/g, '$1'),
        percent: Number(m[4]),
        played: Number(m[5]),
        total: Number(m[6]),
        plays: Number(m[7]),
      };
    });
}

function asLines(entries: readonly ExpectedEntry[]) {
  return entries.map((e) => ({
    crown: e.rank === 1,
    rank: e.rank,
    name: e.name,
    percent: e.percent,
    played: e.played,
    total: e.total,
    plays: e.plays,
  }));
}

function expected(artist: LibArtist): ExpectedLeaderboard {
  return expectedLeaderboard(lib, history, artist.ratingKey, users);
}

beforeAll(async () => {
  lib = generateLibrary({ artists: 24, albumsPerArtist: [2, 8], tracksPerAlbum: [4, 12], seed: 31 });
  const extra: HistoryUser[] = Array.from({ length: 20 }, (_, i) => ({
    userId: 3000 + i,
    username: `listener${i}`,
    friendlyName: `Listener ${String(i).padStart(2, '0')}`,
  }));
  const everyone = [...sampleUsers(), ...extra];
  // Three artists stay out of the generated history: their plays are written by hand below.
  [tieByPlays, levelTie, unplayed] = lib.artists.slice(-3) as [LibArtist, LibArtist, LibArtist];
  history = generateHistory(lib, everyone, {
    seed: 8,
    playsPerUser: everyone.map((u) => (u.userId === ALEX ? 6000 : u.userId === SAM ? 4000 : 2500)),
    artistKeys: lib.artists.slice(0, -3).map((a) => a.ratingKey),
  });
  const sam = everyone.find((u) => u.userId === SAM)!;
  const alex = everyone.find((u) => u.userId === ALEX)!;
  const [t0, t1, t2, t3] = lib.tracks
    .filter((t) => t.artistKey === tieByPlays.ratingKey)
    .map((t) => t.ratingKey);
  // Alex and Sam both heard two tracks; Sam played them three times, Alex twice: Sam takes the crown.
  for (const [user, track] of [
    [alex, t0],
    [sam, t0],
    [alex, t1],
    [sam, t1],
    [sam, t1],
    [extra[0], t2],
    [LOUD, t3],
  ] as Array<[HistoryUser, string]>)
    listen(user, track);
  const [l0] = lib.tracks.filter((t) => t.artistKey === levelTie.ratingKey).map((t) => t.ratingKey);
  listen(alex, l0!);
  listen(sam, l0!);
  users = tautulliUsers([...everyone, LOUD]);
  const boards = new Map(lib.artists.map((a) => [a, expected(a)]));
  const listeners = (a: LibArtist) => boards.get(a)!.entries.length;
  const rows = (a: LibArtist) => boards.get(a)!.groupedRows;
  // A big catalogue, so that completion (not only plays) orders the listeners.
  const big = lib.artists.filter((a) => lib.tracks.filter((t) => t.artistKey === a.ratingKey).length >= 30);
  crowded = big.sort((a, b) => listeners(b) - listeners(a))[0]!;
  busiest = [...lib.artists].filter((a) => a !== crowded).sort((a, b) => rows(b) - rows(a))[0]!;
  if (listeners(crowded) <= 10) throw new Error('the generated history has no artist with > 10 listeners');
  if (new Set(boards.get(crowded)!.entries.map((e) => e.played)).size < 5)
    throw new Error('the listeners of the crowded artist hardly differ in completion');
  if (rows(busiest) <= 5000) throw new Error('the generated history has no artist with > 5,000 rows');
  h = await startHarness({ library: lib, history });
  h.tautulli.users = users;
  const linked = await h.discord.slashCommand({
    name: 'alex',
    subcommand: 'link',
    options: [{ name: 'plex_user', type: 3, value: String(SAM) }],
    user: OWNER,
  });
  expect((await answer(linked.token)).content).toMatch(/linked to the Plex user/);
});
afterAll(() => h.stop());
beforeEach(() => {
  h.tautulli.failure = { kind: 'none' };
  h.tautulli.legacyAuthStatus = false;
});

describe('/alex leaderboard', () => {
  it('ranks every listener by completion, then plays, with numbers from the library and history', async () => {
    const want = expected(crowded);
    const reply = await answer((await slash(crowded.ratingKey)).token);
    const top = want.entries[0]!;
    const plays = `${top.plays} ${top.plays === 1 ? 'play' : 'plays'}`;
    expect(reply.content).toBe(
      `👑 **${top.name}** holds the crown for **${crowded.title}**: ${top.percent}% (${top.played}/${top.total}) with ${plays}.`,
    );
    const embed = reply.embeds[0];
    expect(embed.title).toBe(`${crowded.title} — leaderboard`);
    expect(parseLines(embed.description)).toEqual(asLines(want.entries.slice(0, 10)));
    const summary = embed.description.split('\n\n')[1];
    const all = want.everyone;
    expect(summary.split('\n')[0]).toBe(
      `Everyone together: ${all.percent}% (${all.played}/${all.total}) · ${all.plays} plays`,
    );
    const pages = Math.ceil(want.entries.length / 10);
    expect(embed.footer.text).toBe(
      `Page 1/${pages} · ${want.entries.length} listeners · ranked by completion, then plays`,
    );
    expect(reply.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('pages with Previous/Next, editing the message, and marks the linked caller', async () => {
    const want = expected(crowded);
    const interaction = await slash(crowded.ratingKey, OWNER);
    const first = await answer(interaction.token);
    const [previous, next] = first.components[0].components;
    expect(previous).toMatchObject({ label: '◀ Previous', disabled: true });
    expect(next).toMatchObject({ label: 'Next ▶', custom_id: `leaderboard:page:${crowded.ratingKey}:1` });
    const message = [...h.discord.messages.values()].find(
      (m) => m.interaction_metadata?.id === interaction.id,
    );
    const press = await h.discord.button(next.custom_id, { messageId: message?.id, user: OWNER });
    const page2 = await answer(press.token);
    expect(parseLines(page2.embeds[0].description)).toEqual(asLines(want.entries.slice(10, 20)));
    const sam = want.entries.find((e) => e.userId === SAM)!;
    expect(page2.embeds[0].footer.text).toMatch(new RegExp(`^Page 2/\\d+ · .* · you are #${sam.rank}$`));
    const samLine = [
      ...first.embeds[0].description.split('\n'),
      ...page2.embeds[0].description.split('\n'),
    ].find((l: string) => l.includes('**Sam**'));
    expect(samLine).toContain('**Sam** ← you');
    expect(h.discord.messages.get(message?.id ?? '')?.embeds[0]?.footer?.text).toMatch(/^Page 2\//);
    const [back] = page2.components[0].components;
    expect(back).toMatchObject({ custom_id: `leaderboard:page:${crowded.ratingKey}:0`, disabled: false });
  });

  it('gives the crown to the higher play count when completion is level, and escapes names', async () => {
    const want = expected(tieByPlays);
    expect(want.entries.map((e) => [e.name, e.rank])).toEqual([
      ['Sam', 1],
      ['Alex', 2],
      ['@everyone *DJ*', 3],
      ['Listener 00', 3],
    ]);
    const reply = await prefix(`!alex leaderboard ${tieByPlays.title}`);
    expect(reply.content).toBe(
      `👑 **Sam** holds the crown for **${tieByPlays.title}**: ${want.entries[0]!.percent}% (2/${want.entries[0]!.total}) with 3 plays.`,
    );
    expect(parseLines(reply.embeds[0].description)).toEqual(asLines(want.entries));
    expect(reply.embeds[0].description).toContain('**@everyone \\*DJ\\***');
    expect(reply.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(reply.embeds[0].description).toContain(`${want.notPlayed} other users haven't played it yet.`);
    expect(reply.components ?? []).toEqual([]);
  });

  it('shares the crown between users level on tracks and plays', async () => {
    const reply = await prefix(`!alex leaderboard ${levelTie.title}`);
    const total = expected(levelTie).everyone.total;
    expect(reply.content).toBe(
      `👑 **Alex** and **Sam** share the crown for **${levelTie.title}**: ${Math.max(1, Math.round(100 / total))}% (1/${total}) with 1 play each.`,
    );
  });

  it('says nobody has played an artist without plays', async () => {
    const reply = await prefix(`!alex leaderboard ${unplayed.title}`);
    expect(reply.content).toBe(`Nobody has played **${unplayed.title}** on this server yet.`);
    expect(reply.embeds[0].description).toMatch(
      /^No plays yet\.\n\nEveryone together: 0% \(0\/\d+\) · 0 plays/,
    );
  });

  it('answers an unknown artist with the closest names, and offers a menu for several matches', async () => {
    const skrillex = lib.artists.find((a) => a.title === 'Skrillex');
    expect(skrillex).toBeDefined();
    expect((await prefix('!alex leaderboard Skrilex')).content).toBe(
      'There is no artist named “Skrilex” on this server. Closest: Skrillex.',
    );
    const reply = await answer((await slash('the')).token);
    expect(reply.content).toBe('Several artists match “the”. Which one did you mean?');
    const menu = reply.components[0].components[0];
    expect(menu.custom_id).toBe('leaderboard:pick');
    const choice = menu.options[0];
    const picked = await h.discord.stringSelect(menu.custom_id, [choice.value], { user: GUEST });
    const title = lib.byKey.get(choice.value)?.title ?? '';
    expect((await answer(picked.token)).embeds[0].title).toBe(`${title} — leaderboard`);
  });

  it('walks get_history for all users at once: one request per 5,000 rows, whatever the number of users', async () => {
    const want = expected(busiest);
    const before = h.tautulli.requests.length;
    const reply = await answer((await slash(busiest.ratingKey)).token);
    expect(parseLines(reply.embeds[0].description)).toEqual(asLines(want.entries.slice(0, 10)));
    const calls = h.tautulli.requests.slice(before).map((r) => r.query);
    const pages = calls.filter((q) => q.cmd === 'get_history');
    expect(pages).toHaveLength(Math.ceil(want.groupedRows / 5000));
    expect(pages.length).toBeGreaterThan(1);
    expect(
      pages.every((q) => q.grandparent_rating_key === busiest.ratingKey && q.user_id === undefined),
    ).toBe(true);
    // Besides the pages, at most the user list (cached for a minute): not one request per user.
    expect(calls.length - pages.length).toBeLessThanOrEqual(1);
    expect(want.entries.length).toBeGreaterThan(calls.length);
  });

  it.each([
    ['down', { kind: 'down' }, 'Tautulli is unreachable right now. Is it running, and is its URL right?'],
    [
      'answering 401',
      { kind: 'status', status: 401 },
      "Tautulli rejected Autoalex's credentials. An admin needs to check the API key or token.",
    ],
  ] as const)('says so when Tautulli is %s', async (_name, failure, text) => {
    h.tautulli.failure = failure;
    // An artist not asked about before: recent walks are cached for a minute and would hide the failure.
    const used = [crowded, busiest, tieByPlays, levelTie, unplayed];
    const fresh = lib.artists.filter((a) => !used.includes(a) && !/^(the|skrillex)/i.test(a.title))[
      failure.kind === 'down' ? 0 : 1
    ]!;
    const reply = await answer((await slash(fresh.ratingKey)).token);
    expect(reply).toMatchObject({ content: text, flags: 64 });
  });

  it('autocompletes the artist and is listed in /alex help with its examples', async () => {
    const auto = await h.discord.autocomplete({
      name: 'alex',
      subcommand: 'leaderboard',
      focused: 'artist',
      options: [{ name: 'artist', type: 3, value: 'skril' }],
      user: GUEST,
    });
    const choices = (await h.discord.waitForCallback(auto.id)).json.data.choices;
    expect(choices[0]).toEqual({
      name: 'Skrillex',
      value: lib.artists.find((a) => a.title === 'Skrillex')?.ratingKey,
    });
    const help = await h.discord.slashCommand({ name: 'alex', subcommand: 'help', user: GUEST });
    const fields = (await h.discord.waitForCallback(help.id)).json.data.embeds[0].fields;
    const field = fields.find((f: { name: string }) => f.name === 'leaderboard');
    expect(field.value).toContain('`/alex leaderboard artist:Skrillex` · `!alex leaderboard Skrillex`');
  });
});
