import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateHistory, generateLibrary, sampleUsers } from '../fakes/library.ts';
import type { HistoryRow, Library } from '../fakes/library.ts';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { displayPercent, expectedStats } from './helpers/expected-stats.ts';
import { startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';

const ALEX = 1001;
const SAM = 1002;
const OWNER = { id: '400000000000000001', username: 'alexd', admin: true };
const GUEST = { id: '400000000000000002', username: 'nolink' };
const SAM_DISCORD = { id: '400000000000000003', username: 'samd' };

let h: Harness;
let lib: Library;
let history: HistoryRow[];
/** An artist Alex has partly heard across more than one page of albums. */
let paged: { key: string; title: string };

type Json = RecordedRequest['json'];

async function slash(
  subcommand: string,
  options: Array<{ name: string; value: string | boolean }>,
  user: object,
) {
  const interaction = await h.discord.slashCommand({
    name: 'alex',
    subcommand,
    options: options.map((o) => ({ ...o, type: typeof o.value === 'boolean' ? 5 : 3 })),
    user,
  });
  return interaction;
}

/** The visible answer of a deferred command: the @original edit, or the ephemeral follow-up on errors. */
async function answer(token: string): Promise<Json> {
  const request = await h.discord.waitForRequest(
    (r) =>
      (r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`)) ||
      (r.method === 'POST' && r.path.endsWith(`/${token}`)),
  );
  return request.json;
}

async function prefix(content: string, user: object): Promise<Json> {
  const sent = await h.discord.userMessage(content, { user });
  return (await h.discord.waitForRequest((r) => r.json?.message_reference?.message_id === sent.id)).json;
}

beforeAll(async () => {
  lib = generateLibrary({ artists: 60, albumsPerArtist: [3, 16], tracksPerAlbum: [3, 12], seed: 11 });
  const users = sampleUsers();
  history = generateHistory(lib, users, {
    seed: 5,
    playsPerUser: users.map((u) => (u.userId === ALEX ? 9000 : u.userId === SAM ? 4000 : 300)),
  });
  const inProgress = (artistKey: string) => expectedStats(lib, history, artistKey, [ALEX]).albumsInProgress;
  const best = [...lib.artists].sort((a, b) => inProgress(b.ratingKey) - inProgress(a.ratingKey))[0];
  if (!best || inProgress(best.ratingKey) <= 10)
    throw new Error('the generated history has no artist with > 10 albums in progress');
  paged = { key: best.ratingKey, title: best.title };
  h = await startHarness({ library: lib, history });
  // Link the owner to Alex through the command itself (value = Tautulli user id, as autocomplete sends).
  const linked = await slash('link', [{ name: 'plex_user', value: String(ALEX) }], OWNER);
  expect(
    (
      await h.discord.waitForRequest(
        (r) => r.method === 'PATCH' && r.path.endsWith(`/${linked.token}/messages/@original`),
      )
    ).json.content,
  ).toBe('Your Discord account is now linked to the Plex user **Alex**.');
});
afterAll(() => h.stop());
beforeEach(() => {
  h.tautulli.failure = { kind: 'none' };
  if (h.plex) h.plex.failure = { kind: 'none' };
});

describe('/alex completion', () => {
  it("states the spec's sentence with numbers from the library and history, for the linked caller", async () => {
    const want = expectedStats(lib, history, paged.key, [ALEX]);
    const reply = await answer(
      (await slash('completion', [{ name: 'artist', value: paged.key }], OWNER)).token,
    );
    expect(reply.content).toBe(
      `You have listened to ${want.percent}% (${want.played}/${want.total}) of ${paged.title}'s collection on this server.`,
    );
    const embed = reply.embeds[0];
    expect(embed.description).toContain(`${want.played} of ${want.total} tracks · ${want.plays} plays`);
    const inProgress = embed.fields.find((f: { name: string }) => f.name.startsWith('In progress'));
    expect(inProgress.name).toBe(`In progress (${want.albumsInProgress})`);
    expect(inProgress.value.split('\n')).toHaveLength(10);
    const shares = inProgress.value
      .split('\n')
      .map((line: string) => Number(/ (\d+)\/(\d+)$/.exec(line)?.[1]) / Number(/\/(\d+)$/.exec(line)?.[1]));
    expect([...shares].sort((a, b) => b - a)).toEqual(shares);
    expect(embed.footer.text).toMatch(/^Page 1\/2 /);
  });

  it('pages through albums in progress with Previous/Next, editing the message', async () => {
    const interaction = await slash('completion', [{ name: 'artist', value: paged.key }], OWNER);
    await answer(interaction.token);
    const message = [...h.discord.messages.values()].find(
      (m) => m.interaction_metadata?.id === interaction.id,
    );
    const [previous, next] = (
      message?.components?.[0] as { components: Array<{ custom_id: string; disabled?: boolean }> }
    ).components;
    expect(previous?.disabled).toBe(true);
    expect(next?.custom_id).toBe(`completion:page:${paged.key}:${ALEX}:1`);
    const press = await h.discord.button(next?.custom_id ?? '', { messageId: message?.id, user: GUEST });
    const page2 = await answer(press.token);
    expect(page2.embeds[0].footer.text).toMatch(/^Page 2\/2 /);
    // Pressed by someone else: the sentence names the user instead of "You".
    expect(page2.content).toMatch(/^Alex has listened to /);
    expect(h.discord.messages.get(message?.id ?? '')?.embeds[0]?.footer?.text).toMatch(/^Page 2\/2/);
  });

  it('counts everyone with user:all', async () => {
    const want = expectedStats(lib, history, paged.key, 'all');
    const reply = await answer(
      (
        await slash(
          'completion',
          [
            { name: 'artist', value: paged.key },
            { name: 'user', value: 'all' },
          ],
          GUEST,
        )
      ).token,
    );
    expect(reply.content).toBe(
      `Everyone together has listened to ${want.percent}% (${want.played}/${want.total}) of ${paged.title}'s collection on this server.`,
    );
  });

  it('tells an unlinked member how to link, privately', async () => {
    const reply = await answer(
      (await slash('completion', [{ name: 'artist', value: paged.key }], GUEST)).token,
    );
    expect(reply).toMatchObject({ flags: 64 });
    expect(reply.content).toMatch(
      /^You haven't linked your Plex account yet\. Link it with `\/alex link plex_user:/,
    );
  });

  it('!plex completion <name> counts everyone for an unlinked member; !alex asks to link', async () => {
    const want = expectedStats(lib, history, paged.key, 'all');
    expect((await prefix(`!plex completion ${paged.title}`, GUEST)).content).toBe(
      `Everyone together has listened to ${want.percent}% (${want.played}/${want.total}) of ${paged.title}'s collection on this server.`,
    );
    expect((await prefix(`!alex completion ${paged.title}`, GUEST)).content).toMatch(
      /`!alex link <your Plex name>`/,
    );
  });

  it('finds artists case- and accent-insensitively from free text', async () => {
    const beyonce = lib.artists.find((a) => a.title === 'Beyoncé');
    expect(beyonce).toBeDefined();
    const want = expectedStats(lib, history, beyonce?.ratingKey ?? '', [ALEX]);
    expect((await prefix('!alex completion BEYONCE', OWNER)).content).toBe(
      `You have listened to ${displayPercent(want.played, want.total)}% (${want.played}/${want.total}) of Beyoncé's collection on this server.`,
    );
  });

  it('suggests the closest artists for an unknown name', async () => {
    const reply = await prefix('!alex completion Skrilex', OWNER);
    expect(reply.content).toBe('There is no artist named “Skrilex” on this server. Closest: Skrillex.');
  });

  it('offers a menu when several artists match, and answers for the one picked', async () => {
    const the = lib.artists.filter((a) => /^the /i.test(a.title));
    expect(the.length).toBeGreaterThan(1);
    const reply = await answer((await slash('completion', [{ name: 'artist', value: 'the' }], OWNER)).token);
    expect(reply.content).toBe('Several artists match “the”. Which one did you mean?');
    const menu = reply.components[0].components[0];
    expect(menu.custom_id).toBe(`completion:pick:${ALEX}`);
    const choice = menu.options[0];
    const picked = await h.discord.stringSelect(menu.custom_id, [choice.value], { user: OWNER });
    const title = lib.byKey.get(choice.value)?.title;
    expect((await answer(picked.token)).content).toMatch(
      new RegExp(`^You have listened to \\d+% \\(\\d+/\\d+\\) of ${title}'s`),
    );
  });

  it.each([
    ['Plex', 'plex', '142', 'Plex is unreachable right now. Is it running, and is its URL right?'],
    [
      'Tautulli',
      'tautulli',
      '156',
      'Tautulli is unreachable right now. Is it running, and is its URL right?',
    ],
  ])('names %s when it is down', async (_name, which, artistKey, text) => {
    (which === 'plex' ? h.plex! : h.tautulli).failure = { kind: 'down' };
    // Artists not asked about before: recent answers are kept for a minute and would hide the outage.
    const reply = await answer(
      (await slash('completion', [{ name: 'artist', value: artistKey }], OWNER)).token,
    );
    expect(reply).toMatchObject({ content: text, flags: 64 });
  });

  it('costs two Plex library requests and one Tautulli request per 5,000 plays, whatever the number of tracks', async () => {
    const artist = [...lib.artists].sort((a, b) => b.ratingKey.localeCompare(a.ratingKey))[0]!;
    const plexBefore = h.plex!.requests.length;
    const tautulliBefore = h.tautulli.requests.length;
    await answer((await slash('completion', [{ name: 'artist', value: artist.ratingKey }], OWNER)).token);
    const plexCalls = h.plex!.requests.slice(plexBefore);
    // The card's covers come on top: one small transcode per album shown and the artist's picture.
    const covers = plexCalls.filter((r) => r.path === '/photo/:/transcode');
    const albums = lib.albums.filter((a) => a.artistKey === artist.ratingKey).length;
    expect(covers.length).toBeLessThanOrEqual(albums + 1);
    expect(
      plexCalls
        .filter((r) => r.path !== '/photo/:/transcode')
        .map((r) => r.path)
        .sort(),
    ).toEqual([
      `/library/metadata/${artist.ratingKey}/allLeaves`,
      `/library/metadata/${artist.ratingKey}/children`,
    ]);
    const calls = h.tautulli.requests.slice(tautulliBefore).map((r) => r.query);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      cmd: 'get_history',
      grandparent_rating_key: artist.ratingKey,
      user_id: String(ALEX),
      media_type: 'track',
    });
  });
});

describe('/alex compare', () => {
  it('declares the winner by completion, then plays, with tracks only one of them played', async () => {
    const alex = expectedStats(lib, history, paged.key, [ALEX]);
    const sam = expectedStats(lib, history, paged.key, [SAM]);
    const reply = await answer(
      (
        await slash(
          'compare',
          [
            { name: 'artist', value: paged.key },
            { name: 'user_a', value: 'sam' },
          ],
          OWNER,
        )
      ).token,
    );
    const byShare = sam.played / sam.total - alex.played / alex.total;
    const winner =
      byShare > 0
        ? 'Sam'
        : byShare < 0
          ? 'Alex'
          : sam.plays > alex.plays
            ? 'Sam'
            : sam.plays < alex.plays
              ? 'Alex'
              : null;
    expect(reply.content).toBe(
      `⚔️ Listening battle for ${paged.title}: Sam ${sam.percent}% vs Alex ${alex.percent}%. ${winner ? `**${winner} wins!**` : "**It's a tie!**"}`,
    );
    const [samField, alexField, onlySam] = reply.embeds[0].fields;
    const plays = (n: number) => `${n} ${n === 1 ? 'play' : 'plays'}`;
    expect(samField.value).toContain(`${sam.played}/${sam.total} unique tracks\n${plays(sam.plays)}`);
    expect(alexField.value).toContain(`${alex.played}/${alex.total} unique tracks\n${plays(alex.plays)}`);
    const exclusive = [...sam.trackPlays].filter(([key]) => !alex.trackPlays.has(key));
    expect(onlySam.name).toBe('Only Sam played');
    if (exclusive.length > 0) {
      const top = exclusive.sort((a, b) => b[1] - a[1])[0] as [string, number];
      expect(onlySam.value).toContain(`(${top[1]}×)`);
    }
  });

  it('refuses to compare a user with themselves and works from the prefix form', async () => {
    const self = await answer(
      (
        await slash(
          'compare',
          [
            { name: 'artist', value: paged.key },
            { name: 'user_a', value: String(ALEX) },
          ],
          OWNER,
        )
      ).token,
    );
    expect(self.content).toBe('Pick two different users to compare.');
    const reply = await prefix(`!alex compare ${paged.title} user_a:sam user_b:alex`, SAM_DISCORD);
    expect(reply.content).toMatch(
      new RegExp(`^⚔️ Listening battle for ${paged.title}: Sam \\d+% vs Alex \\d+%`),
    );
  });
});

describe('autocomplete', () => {
  async function choices(subcommand: string, focused: string, value: string) {
    const interaction = await h.discord.autocomplete({
      name: 'alex',
      subcommand,
      focused,
      options: [{ name: focused, type: 3, value }],
      user: OWNER,
    });
    const callback = await h.discord.waitForCallback(interaction.id);
    expect(callback.status).toBe(204);
    return callback.json.data.choices as Array<{ name: string; value: string }>;
  }

  it('answers artists from the index within Discord limits, unicode-insensitively', async () => {
    const all = await choices('completion', 'artist', '');
    expect(all).toHaveLength(25);
    expect(all.every((c) => c.name.length <= 100 && c.value.length <= 100)).toBe(true);
    expect((await choices('completion', 'artist', 'sigur ros'))[0]).toEqual({
      name: 'Sigur Rós',
      value: lib.artists.find((a) => a.title === 'Sigur Rós')?.ratingKey,
    });
  });

  it('keeps answering from the last index while Plex is down', async () => {
    h.plex!.failure = { kind: 'down' };
    const before = h.plex!.requests.length;
    expect((await choices('completion', 'artist', 'skril'))[0]?.name).toBe('Skrillex');
    expect(h.plex!.requests.length).toBe(before);
  });

  it('offers Tautulli users, "Everyone" first', async () => {
    const users = await choices('completion', 'user', '');
    expect(users[0]).toEqual({ name: 'Everyone on this server', value: 'all' });
    expect(users.map((u) => u.value)).toContain(String(SAM));
    expect(users.map((u) => u.value)).not.toContain('0');
  });
});

describe('/alex link', () => {
  it('shows the current link, refuses to link others for non-admins, and lets admins do it', async () => {
    const shown = await slash('link', [], OWNER);
    // Private: deferred as ephemeral, then the answer.
    expect((await h.discord.waitForCallback(shown.id)).json.data).toMatchObject({ flags: 64 });
    expect((await answer(shown.token)).content).toBe(
      'Your Discord account is linked to the Plex user **Alex**.',
    );
    const refused = await h.discord.slashCommand({
      name: 'alex',
      subcommand: 'link',
      options: [
        { name: 'plex_user', type: 3, value: 'sam' },
        { name: 'member', type: 6, value: SAM_DISCORD.id },
      ],
      user: GUEST,
    });
    expect((await answer(refused.token)).content).toBe(
      'Only server admins can link or unlink other members.',
    );
    const byAdmin = await h.discord.slashCommand({
      name: 'alex',
      subcommand: 'link',
      options: [
        { name: 'plex_user', type: 3, value: 'sam' },
        { name: 'member', type: 6, value: SAM_DISCORD.id },
      ],
      user: OWNER,
    });
    expect((await answer(byAdmin.token)).content).toBe(
      `<@${SAM_DISCORD.id}> is now linked to the Plex user **Sam**.`,
    );
    expect(h.services.store.getLink(SAM_DISCORD.id)).toMatchObject({
      plexUserId: String(SAM),
      linkedBy: OWNER.id,
    });
  });

  it('names the known users when the Plex user does not exist', async () => {
    const reply = await slash('link', [{ name: 'plex_user', value: 'nobody-here' }], GUEST);
    expect((await answer(reply.token)).content).toMatch(
      /^There is no Plex user named “nobody-here”\. Known users: .*Alex.*Sam/,
    );
  });
});
