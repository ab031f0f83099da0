import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSampleJazz } from '../fakes/demo-library.ts';
import { generateHistory, generateLibrary, sampleUsers } from '../fakes/library.ts';
import type { Library } from '../fakes/library.ts';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';

/** What a newcomer types first, through the fake Discord and the real bot (issue 20). */

const ADMIN = { id: '710000000000000001', username: 'owner', admin: true };
const MEMBER = { id: '710000000000000002', username: 'newcomer' };
let h: Harness;
let lib: Library;

type Json = RecordedRequest['json'];

/** The bot's final reply to a prefix message: the reply itself or, after progress, its last edit. */
async function prefix(
  content: string,
  user: object = MEMBER,
  done?: (text: string) => boolean,
): Promise<Json> {
  const sent = await h.discord.userMessage(content, { user });
  const first = await h.discord.waitForRequest((r) => r.json?.message_reference?.message_id === sent.id);
  if (!done || done(JSON.stringify(first.json))) return first.json;
  const reply = [...h.discord.messages.values()].find((m) => m.message_reference?.message_id === sent.id);
  const edit = await h.discord.waitForRequest(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/messages/${reply?.id}`) && done(JSON.stringify(r.json)),
  );
  return edit.json;
}

async function slash(subcommand: string, options: Array<{ name: string; value: string }>, user: object) {
  const interaction = await h.discord.slashCommand({
    name: 'alex',
    subcommand,
    options: options.map((o) => ({ ...o, type: 3 })),
    user,
  });
  const request = await h.discord.waitForRequest(
    (r) =>
      (r.method === 'PATCH' && r.path.endsWith(`/${interaction.token}/messages/@original`)) ||
      (r.method === 'POST' && r.path.endsWith(`/${interaction.token}`)) ||
      (r.path.includes(`/interactions/${interaction.id}/`) && r.json?.type === 4),
  );
  return request.json?.data ?? request.json;
}

beforeAll(async () => {
  lib = generateLibrary({ artists: 30, albumsPerArtist: [1, 4], tracksPerAlbum: [3, 8], seed: 20 });
  addSampleJazz(lib);
  const users = sampleUsers();
  const history = generateHistory(lib, users, { playsPerUser: users.map(() => 300) });
  h = await startHarness({ library: lib, history, musicbrainz: true, discogs: true });
  await h.services.library.refresh();
});
afterAll(() => h.stop());

describe('text commands as the help writes them', () => {
  it('reads a multi-word value up to the next option: enrich album:A Love Supreme previews its credits', async () => {
    const reply = await prefix('!alex enrich album:A Love Supreme', ADMIN, (t) => !t.includes('Looking up'));
    const text = JSON.stringify(reply);
    expect(text).not.toContain('Several albums match');
    expect(text).toContain('McCoy Tyner: Piano');
  });

  it('reads track:Chop Suey! stem:vocals as a track and a stem', async () => {
    const reply = await prefix('!alex reduce track:Chop Suey! stem:vocals');
    expect(JSON.stringify(reply)).not.toContain('does not take');
    expect(reply.content).toContain('Chop Suey!');
    expect(reply.content).toContain('vocals');
  });

  it('answers a misspelt subcommand with "did you mean"', async () => {
    const reply = await prefix('!alex complection Skrillex');
    expect(reply.content).toBe(
      "I don't know `complection`. Did you mean `completion`? (`!alex help` lists them all.)",
    );
  });

  it('answers a misspelt option with "did you mean"', async () => {
    const reply = await prefix('!alex reduce track:Chop Suey! stme:vocals');
    expect(reply.content).toBe('`reduce` has no option `stme`. Did you mean `stem`?');
  });

  it('lists artists to choose from where the slash command would autocomplete', async () => {
    const reply = await prefix('!alex completion');
    expect(reply.content).toMatch(/^`completion` needs `artist` \(.*\)\. For example:\n• /);
    expect(reply.content).toContain('Type it like `!alex completion Skrillex`.');
    const listed = (reply.content as string).split('\n').filter((l) => l.startsWith('• '));
    expect(listed.length).toBeGreaterThanOrEqual(5);
  });
});

/** A masked link outside inline code: what Discord would render as a link with hidden target. */
const MASKED_LINK = /(?<!\\)\[[^\]]*(?<!\\)\]\(/;
const outsideCode = (text: string) => text.replace(/`[^`]*`/g, '');

describe('what a user typed, echoed back (issue 15 item 15)', () => {
  it('keeps a backtick in an unknown subcommand inside its code span: no masked link', async () => {
    const reply = await prefix('!alex x`[phish](https://evil.example)`');
    expect(reply.content).toBe("I don't know `xˋ[phish](https://evil.example)ˋ`. Try `!alex help`.");
    expect(outsideCode(reply.content as string)).not.toMatch(MASKED_LINK);
  });

  it('escapes markdown typed as a period and drops control characters from an artist name', async () => {
    // `period` takes at most 10 characters: bold is the markup that fits.
    const period = await prefix('!alex top period:**boom**');
    expect(period.content).toContain('(you wrote “\\*\\*boom\\*\\*”)');
    const artist = await prefix('!alex completion Nobody\u202eereh\u0007 user:all');
    expect(artist.content).toMatch(/^There is no artist named “Nobody ereh” on this server\./);
  });
});

describe('small untruths', () => {
  it('says "(admins)" once per admin subcommand in help', async () => {
    const reply = await slash('help', [], MEMBER);
    const fields = reply.embeds[0].fields as Array<{ name: string; value: string }>;
    const admin = fields.filter((f) => f.name.endsWith('(admins)'));
    expect(admin.map((f) => f.name)).toEqual([
      'enrich (admins)',
      'enrich_library (admins)',
      'sync_playlists (admins)',
    ]);
    for (const field of admin) expect(field.value).not.toContain('admins');
  });

  it('writes "The Beatles\' collection" and "of 1 album"', async () => {
    const reply = await prefix('!plex completion The Beatles');
    expect(reply.content).toContain("of The Beatles' collection on this server.");
    const single = lib.artists.find(
      (a) => lib.albums.filter((b) => b.artistKey === a.ratingKey).length === 1,
    );
    expect(single).toBeDefined();
    const one = await prefix(`!plex completion ${single!.title}`);
    expect(one.embeds[0].description).toMatch(/ of 1 album completed$/m);
  });

  it('tells an unlinked member comparing against "me" how to fix it', async () => {
    const reply = await prefix('!plex compare Skrillex user_a:Sam');
    expect(reply.content).toBe(
      'Compare with whom? You are not linked to a Plex user: link yourself with `/alex link`, or give `user_b`.',
    );
  });
});
