import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enrichLibrary } from '../src/services/credits/batch.ts';
import { BLOCK_END, BLOCK_START } from '../src/services/credits/summary-block.ts';
import { generateLibrary } from '../fakes/library.ts';
import type { LibAlbum, LibArtist, LibTrack, Library } from '../fakes/library.ts';
import { MB_RELEASES } from '../fakes/metadata-data.ts';
import { startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';

const ADMIN = { id: '700000000000000001', username: 'owner', admin: true };
const MEMBER = { id: '700000000000000002', username: 'guest' };
const LOVE_SUPREME = 'A Love Supreme';
const ORIGINAL = 'Recorded in one session at *Van Gelder Studio* — “a spiritual suite”. 日本語 & <tags>.';
const LOVE_SUPREME_CREDITS =
  'John Coltrane: Tenor Saxophone, Chant (track 1) | McCoy Tyner: Piano | Jimmy Garrison: Double Bass | Elvin Jones: Drums';

let h: Harness;
const keys = { loveSupreme: '', kindOfBlue: '', noRelations: '', unknown: '', quiet: '', uncredited: '' };

/** Adds an album (with its artist and tracks) to a generated library, shaped like the generated ones. */
function addAlbum(
  lib: Library,
  n: number,
  spec: { artist: string; title: string; tracks: number; mbid?: string; summary?: string },
): string {
  const artist: LibArtist = {
    ...structuredClone(lib.artists[0]!),
    ratingKey: String(990_000 + n * 100),
    title: spec.artist,
    mbid: undefined,
  };
  const album: LibAlbum = {
    ...structuredClone(lib.albums[0]!),
    ratingKey: String(990_001 + n * 100),
    title: spec.title,
    artistKey: artist.ratingKey,
    artistTitle: spec.artist,
    mbid: spec.mbid,
    summary: spec.summary ?? '',
    trackCount: spec.tracks,
  };
  const tracks: LibTrack[] = Array.from({ length: spec.tracks }, (_, i) => ({
    ...structuredClone(lib.tracks[0]!),
    ratingKey: String(990_010 + n * 100 + i),
    title: `Track ${i + 1}`,
    albumKey: album.ratingKey,
    albumTitle: spec.title,
    artistKey: artist.ratingKey,
    artistTitle: spec.artist,
    index: i + 1,
    mbid: undefined,
  }));
  lib.artists.push(artist);
  lib.albums.push(album);
  lib.tracks.push(...tracks);
  for (const item of [artist, album, ...tracks]) lib.byKey.set(item.ratingKey, item);
  return album.ratingKey;
}

async function enrich(
  options: Array<{ name: string; type: number; value: string | boolean }>,
  user: object = ADMIN,
) {
  const interaction = await h.discord.slashCommand({ name: 'alex', subcommand: 'enrich', options, user });
  const reply = await h.discord.waitForRequest(
    (r) =>
      (r.method === 'PATCH' &&
        r.path.endsWith(`/${interaction.token}/messages/@original`) &&
        r.json?.content !== 'Looking up credits…') ||
      (r.method === 'POST' && r.path.endsWith(`/${interaction.token}`)) ||
      (r.path.includes(`/interactions/${interaction.id}/`) && r.json?.type === 4),
    // MusicBrainz may be waited for (UPSTREAM_TIMEOUT 2 s) before Discogs is asked.
    10_000,
  );
  const message = [...h.discord.messages.values()].find((m) => m.interaction_metadata?.id === interaction.id);
  return { json: reply.json?.data ?? reply.json, message, shown: () => shownFor(interaction.id) };
}

/** What the channel shows for an interaction: every message it left (progress, answer, follow-ups). */
function shownFor(interactionId: string) {
  return [...h.discord.messages.values()]
    .filter((m) => m.interaction_metadata?.id === interactionId)
    .map((m) => ({ content: m.content, ephemeral: ((m.flags ?? 0) & 64) !== 0, embeds: m.embeds.length }));
}

async function press(customId: string, messageId: string | undefined, user: object = ADMIN) {
  const interaction = await h.discord.button(customId, { messageId, user });
  return (
    await h.discord.waitForRequest(
      (r) =>
        (r.method === 'PATCH' && r.path.endsWith(`/${interaction.token}/messages/@original`)) ||
        (r.method === 'POST' && r.path.endsWith(`/${interaction.token}`)),
    )
  ).json;
}

const summaryOf = (key: string) => (h.plex!.lib.byKey.get(key) as LibAlbum).summary;
const summaryEdits = () => h.plex!.edits.filter((e) => e.field === 'summary');

beforeAll(async () => {
  const lib = generateLibrary({ artists: 8, albumsPerArtist: 2, tracksPerAlbum: 4, seed: 31 });
  // The album's Plex Guid names the release GROUP: the bot must resolve it to a release.
  keys.loveSupreme = addAlbum(lib, 1, {
    artist: 'John Coltrane',
    title: LOVE_SUPREME,
    tracks: 4,
    mbid: MB_RELEASES.aLoveSupreme.releaseGroupId,
    summary: ORIGINAL,
  });
  keys.kindOfBlue = addAlbum(lib, 2, { artist: 'Miles Davis', title: 'Kind of Blue', tracks: 5 });
  keys.noRelations = addAlbum(lib, 3, {
    artist: MB_RELEASES.noRelations.artist.name,
    title: MB_RELEASES.noRelations.title,
    tracks: 3,
    mbid: MB_RELEASES.noRelations.releaseId,
  });
  keys.unknown = addAlbum(lib, 4, { artist: 'Nobody Known', title: 'Unheard Tapes', tracks: 2 });
  keys.quiet = addAlbum(lib, 5, { artist: 'The Autoalex Test Trio', title: 'Quiet Sessions', tracks: 3 });
  keys.uncredited = addAlbum(lib, 6, { artist: 'Nobody Credited', title: 'Unknown Takes', tracks: 2 });
  h = await startHarness({ library: lib, musicbrainz: true, discogs: true });
});
afterAll(() => h.stop());
beforeEach(() => {
  h.musicbrainz!.failure = { kind: 'none' };
  h.discogs!.failure = { kind: 'none' };
});

describe('/alex enrich', () => {
  it("previews credits from the album's MusicBrainz id (a release group) without writing", async () => {
    const before = summaryEdits().length;
    const { json } = await enrich([{ name: 'album', type: 3, value: keys.loveSupreme }]);
    const embed = json.embeds[0];
    expect(embed.title).toBe(`Credits for ${LOVE_SUPREME} — John Coltrane`);
    expect(embed.description).toBe(LOVE_SUPREME_CREDITS);
    expect(embed.fields[1].value).toBe(
      `MusicBrainz release ${MB_RELEASES.aLoveSupreme.releaseId} (from the album's MusicBrainz id)`,
    );
    expect(json.components[0].components.map((c: { label: string }) => c.label)).toEqual(['Apply', 'Cancel']);
    expect(summaryEdits().length).toBe(before);
    const lookup = h.musicbrainz!.requests.find(
      (r) => r.path === `/ws/2/release/${MB_RELEASES.aLoveSupreme.releaseId}`,
    );
    expect(lookup?.query.inc?.split(/[ +]/).sort()).toEqual([
      'artist-credits',
      'artist-rels',
      'recording-level-rels',
      'recordings',
    ]);
    expect(lookup?.headers['user-agent']).toMatch(/^Autoalex\/\d+\.\d+\.\d+/);
  });

  it('Apply writes the block after the summary, locked, keeping the rest exactly; a re-run replaces the block', async () => {
    const { json, message } = await enrich([{ name: 'album', type: 3, value: keys.loveSupreme }]);
    const done = await press(json.components[0].components[0].custom_id, message?.id);
    expect(done.content).toBe(
      `✅ Credits written to “${LOVE_SUPREME}” in Plex (summary locked). Undo with \`/alex enrich album:${keys.loveSupreme} undo:true\`.`,
    );
    const expected = `${ORIGINAL}\n\n${BLOCK_START}\n${LOVE_SUPREME_CREDITS}\n${BLOCK_END}`;
    expect(summaryEdits().at(-1)).toMatchObject({
      ratingKey: keys.loveSupreme,
      value: expected,
      locked: true,
    });
    expect(summaryOf(keys.loveSupreme)).toBe(expected);

    const again = await enrich([
      { name: 'album', type: 3, value: keys.loveSupreme },
      { name: 'mode', type: 3, value: 'prepend' },
    ]);
    await press(again.json.components[0].components[0].custom_id, again.message?.id);
    expect(summaryOf(keys.loveSupreme)).toBe(
      `${BLOCK_START}\n${LOVE_SUPREME_CREDITS}\n${BLOCK_END}\n\n${ORIGINAL}`,
    );
  });

  it('undo restores the summary from before the first enrichment', async () => {
    const { json } = await enrich([
      { name: 'album', type: 3, value: keys.loveSupreme },
      { name: 'undo', type: 5, value: true },
    ]);
    expect(json.content).toBe(`↩️ The summary of “${LOVE_SUPREME}” is back to what it was before Autoalex.`);
    expect(summaryOf(keys.loveSupreme)).toBe(ORIGINAL);
    const twice = await enrich([
      { name: 'album', type: 3, value: keys.loveSupreme },
      { name: 'undo', type: 5, value: true },
    ]);
    expect(twice.json.content).toBe('Autoalex has not enriched this album, so there is nothing to undo.');
  });

  it('recognises a credits block whose record was lost: undo removes it, and a re-run never keeps it as the original', async () => {
    const orphan = `${ORIGINAL}\n\n${BLOCK_START}\n${LOVE_SUPREME_CREDITS}\n${BLOCK_END}`;
    const album = h.plex!.lib.byKey.get(keys.loveSupreme) as LibAlbum;
    album.summary = orphan;
    expect(h.services.store.getEnrichment(keys.loveSupreme)).toBeUndefined();
    const undo = await enrich([
      { name: 'album', type: 3, value: keys.loveSupreme },
      { name: 'undo', type: 5, value: true },
    ]);
    expect(undo.json.content).toBe(
      `↩️ The summary of “${LOVE_SUPREME}” is back to what it was before Autoalex.`,
    );
    expect(summaryOf(keys.loveSupreme)).toBe(ORIGINAL);

    album.summary = orphan;
    const again = await enrich([{ name: 'album', type: 3, value: keys.loveSupreme }]);
    await press(again.json.components[0].components[0].custom_id, again.message?.id);
    expect(h.services.store.getEnrichment(keys.loveSupreme)?.originalSummary).toBe(ORIGINAL);
    await enrich([
      { name: 'album', type: 3, value: keys.loveSupreme },
      { name: 'undo', type: 5, value: true },
    ]);
    expect(summaryOf(keys.loveSupreme)).toBe(ORIGINAL);
  });

  it('finds a release by search when the album has no MusicBrainz id, with guests marked by track', async () => {
    const { json } = await enrich([{ name: 'album', type: 3, value: 'Kind of Blue' }]);
    expect(json.embeds[0].description).toBe(
      'Miles Davis: Trumpet | John Coltrane: Tenor Saxophone | Paul Chambers: Double Bass | Jimmy Cobb: Drums | ' +
        'Cannonball Adderley: Alto Saxophone (tracks 1, 2, 4, 5) | Bill Evans: Piano (tracks 1, 3, 4, 5) | Wynton Kelly: Piano (track 2)',
    );
    expect(json.embeds[0].fields[1].value).toMatch(/\(found by search\)$/);
  });

  it('Cancel discards, and non-admins are refused on the command and on Apply', async () => {
    const { json, message } = await enrich([{ name: 'album', type: 3, value: keys.kindOfBlue }]);
    const before = summaryEdits().length;
    expect((await press(json.components[0].components[1].custom_id, message?.id)).content).toBe(
      'Cancelled: nothing was written.',
    );
    const refused = await enrich([{ name: 'album', type: 3, value: keys.kindOfBlue }], MEMBER);
    expect(refused.json).toMatchObject({
      content: expect.stringMatching(/^Only server admins can do that/),
      flags: 64,
    });
    const forged = await press(`enrich:apply:${keys.kindOfBlue}:a`, message?.id, MEMBER);
    expect(forged).toMatchObject({ content: 'Only server admins can write album summaries.', flags: 64 });
    expect(summaryEdits().length).toBe(before);
  });

  it('says so and writes nothing when there are no credits or no release', async () => {
    const before = summaryEdits().length;
    const mbOnly = [
      { name: 'album', type: 3, value: keys.noRelations },
      { name: 'source', type: 3, value: 'musicbrainz' },
    ];
    expect((await enrich(mbOnly)).json.content).toBe(
      `MusicBrainz lists no performers for “${MB_RELEASES.noRelations.title}”. Nothing was written.`,
    );
    const uncredited = await enrich([{ name: 'album', type: 3, value: keys.uncredited }]);
    expect(uncredited.json.content).toBe(
      'MusicBrainz or Discogs list no performers for “Unknown Takes”. Nothing was written.',
    );
    // "Looking up credits…" is gone: the answer is the only message the command left.
    expect(uncredited.shown()).toEqual([{ content: uncredited.json.content, ephemeral: true, embeds: 0 }]);
    expect((await enrich([{ name: 'album', type: 3, value: keys.unknown }])).json.content).toBe(
      'MusicBrainz or Discogs have no release matching “Unheard Tapes” by Nobody Known. Nothing was written.',
    );
    expect(summaryEdits().length).toBe(before);
  });

  it('falls back to Discogs when MusicBrainz lists nobody, and can be told to use Discogs', async () => {
    const quiet = await enrich([{ name: 'album', type: 3, value: keys.quiet }]);
    expect(quiet.json.embeds[0].description).toBe(
      'Ana Pérez: Piano | Raymond Brooks: Double Bass | Dana Reed: Drums (tracks 1, 2) | Sam Okafor: Drums (track 3)',
    );
    expect(quiet.json.embeds[0].fields[1].value).toBe('Discogs release 9900004 (found by search)');
    const forced = await enrich([
      { name: 'album', type: 3, value: keys.kindOfBlue },
      { name: 'source', type: 3, value: 'discogs' },
    ]);
    expect(forced.json.embeds[0].fields[1].value).toBe('Discogs release 9900002 (found by search)');
    expect(forced.json.embeds[0].description).toContain('Wynton Kelly: Piano (track 2)');
    expect(h.discogs!.requests.find((r) => r.path === '/database/search')?.headers.authorization).toMatch(
      /^Discogs token=/,
    );
  });

  it('names MusicBrainz when it is down and was asked for by name', async () => {
    h.musicbrainz!.failure = {
      kind: 'status',
      status: 500,
      body: '<html>oops</html>',
      contentType: 'text/html',
    };
    const mbOnly = await enrich([
      { name: 'album', type: 3, value: keys.kindOfBlue },
      { name: 'source', type: 3, value: 'musicbrainz' },
    ]);
    expect(mbOnly.json.content).toBe(
      'MusicBrainz sent an answer Autoalex could not understand. Try again; if it persists, check the logs.',
    );
    // The answer replaced "Looking up credits…": it is the only message the command left.
    expect(mbOnly.shown()).toEqual([{ content: mbOnly.json.content, ephemeral: true, embeds: 0 }]);
  });

  /** The count once it has stopped changing for 700 ms (at most 5 s). */
  async function settledCount(count: () => number): Promise<number> {
    let last = count();
    for (let waited = 0, still = 0; waited < 5000 && still < 700; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      still = count() === last ? still + 100 : 0;
      last = count();
    }
    return last;
  }

  const LOVE_SUPREME_DISCOGS =
    'John Coltrane: Tenor Saxophone, Chant (track 1) | McCoy Tyner: Piano | Jimmy Garrison: Double Bass | Elvin Jones: Drums';
  const MB_RATE_LIMITED = JSON.stringify({
    error:
      'Your requests are exceeding the allowable rate limit. Please see http://wiki.musicbrainz.org/XMLWebService for more information.',
  });
  it.each([
    ['down (connections cut)', { kind: 'down' } as const, 'MusicBrainz is unreachable'],
    [
      'answering 503 (rate limit)',
      { kind: 'status', status: 503, body: MB_RATE_LIMITED, contentType: 'application/json' } as const,
      // musicbrainz-api retries a 503 every 500 ms; the bot stops waiting at UPSTREAM_TIMEOUT.
      'MusicBrainz did not answer in time',
    ],
    ['timing out', { kind: 'slow', delayMs: 4000 } as const, 'MusicBrainz did not answer in time'],
  ])(
    'falls back to Discogs when MusicBrainz is %s: preview says so, Apply writes the block, undo restores',
    async (_name, failure, cause) => {
      h.musicbrainz!.failure = failure;
      const preview = await enrich([{ name: 'album', type: 3, value: LOVE_SUPREME }]);
      const embed = preview.json.embeds[0];
      expect(embed.description).toBe(LOVE_SUPREME_DISCOGS);
      expect(embed.fields[1].value).toBe(`${cause}; credits from Discogs release 9900001 (found by search)`);
      expect(preview.shown()).toEqual([{ content: '', ephemeral: false, embeds: 1 }]);
      // musicbrainz-api may still send a retry it had scheduled before the bot stopped waiting: let it land.
      const musicbrainzCalls = await settledCount(() => h.musicbrainz!.requests.length);
      const done = await press(preview.json.components[0].components[0].custom_id, preview.message?.id);
      expect(done.content).toMatch(new RegExp(`^✅ Credits written to “${LOVE_SUPREME}” in Plex`));
      // Apply re-reads Discogs only: MusicBrainz is not asked again (and waited for) on the press.
      expect(h.musicbrainz!.requests.length).toBe(musicbrainzCalls);
      expect(summaryOf(keys.loveSupreme)).toBe(
        `${ORIGINAL}\n\n${BLOCK_START}\n${LOVE_SUPREME_DISCOGS}\n${BLOCK_END}`,
      );
      const undo = await enrich([
        { name: 'album', type: 3, value: keys.loveSupreme },
        { name: 'undo', type: 5, value: true },
      ]);
      expect(undo.json.content).toBe(
        `↩️ The summary of “${LOVE_SUPREME}” is back to what it was before Autoalex.`,
      );
      expect(summaryOf(keys.loveSupreme)).toBe(ORIGINAL);
    },
    20_000,
  );

  it('names both causes in one message when MusicBrainz and Discogs are both down, and writes nothing', async () => {
    const before = summaryEdits().length;
    h.musicbrainz!.failure = { kind: 'down' };
    h.discogs!.failure = { kind: 'down' };
    const both = await enrich([{ name: 'album', type: 3, value: keys.loveSupreme }]);
    expect(both.json.content).toBe(
      'No credits: MusicBrainz is unreachable, and Discogs is unreachable. Nothing was written; try again later.',
    );
    expect(both.shown()).toEqual([{ content: both.json.content, ephemeral: true, embeds: 0 }]);
    h.discogs!.failure = { kind: 'status', status: 500 };
    h.musicbrainz!.failure = { kind: 'none' };
    const onlyDiscogsDown = await enrich([{ name: 'album', type: 3, value: keys.unknown }]);
    expect(onlyDiscogsDown.json.content).toBe(
      'Discogs answered with a server error (HTTP 500), and MusicBrainz has no release matching “Unheard Tapes” by Nobody Known. Nothing was written.',
    );
    expect(summaryEdits().length).toBe(before);
  }, 20_000);
});

describe('/alex enrich_library', () => {
  async function batch(options: Array<{ name: string; type: number; value: string | boolean }>) {
    const interaction = await h.discord.slashCommand({
      name: 'alex',
      subcommand: 'enrich_library',
      options,
      user: ADMIN,
    });
    const final = await h.discord.waitForRequest(
      (r) =>
        r.method === 'PATCH' &&
        r.path.endsWith(`/${interaction.token}/messages/@original`) &&
        r.files.length > 0,
      20_000,
    );
    // Progress edits are throttled (one every few seconds): a quick run shows the first one only.
    const progress = h.discord.requests.filter(
      (r) =>
        r.path.endsWith(`/${interaction.token}/messages/@original`) && r.json?.content === 'Listing albums…',
    );
    const csv = final.files[0]!.data.toString('utf8').trim().split('\r\n');
    return { content: final.json.content as string, name: final.files[0]!.name, csv, progress };
  }

  it('dry-runs the whole library, then enriches it, then skips what is done, with a CSV report', async () => {
    const total = h.plex!.lib.albums.length;
    const before = summaryEdits().length;
    const dry = await batch([{ name: 'dry_run', type: 5, value: true }]);
    expect(dry.content).toMatch(
      new RegExp(
        `^Dry run finished: 4 would enrich, 1 no credits, ${total - 5} not found \\(of ${total} albums\\)\\.$`,
      ),
    );
    expect(summaryEdits().length).toBe(before);
    expect(dry.progress.length).toBeGreaterThan(0);
    expect(dry.csv[0]).toBe('album_key,artist,album,outcome,detail,source');
    expect(dry.csv.find((line) => line.startsWith(`${keys.quiet},`))).toMatch(
      /,would enrich,"?discogs:9900004: Ana Pérez: Piano/,
    );

    const real = await batch([]);
    expect(real.content).toMatch(/^Finished: 4 enriched, 1 no credits, /);
    expect(summaryEdits().length).toBe(before + 4);
    expect(summaryOf(keys.kindOfBlue)).toContain('Miles Davis: Trumpet');

    const again = await batch([]);
    expect(again.content).toMatch(/^Finished: 1 no credits, \d+ not found, 4 skipped /);
    expect(summaryEdits().length).toBe(before + 4);
  });

  it('falls back to Discogs per album when MusicBrainz goes down mid-run, and says so in the report', async () => {
    let served = 0;
    // MusicBrainz answers the first album's calls, then cuts every connection (a mirror restarting).
    h.musicbrainz!.failureFor = () => (++served > 3 ? { kind: 'down' } : undefined);
    try {
      const run = await batch([
        { name: 'dry_run', type: 5, value: true },
        { name: 'force', type: 5, value: true },
      ]);
      const total = h.plex!.lib.albums.length;
      const row = (key: string) => run.csv.find((line) => line.startsWith(`${key},`));
      expect(row(keys.kindOfBlue)).toMatch(
        /,would enrich,"?MusicBrainz is unreachable; discogs:9900002: Miles Davis: Trumpet.*,discogs$/,
      );
      expect(row(keys.loveSupreme)).toMatch(
        /,would enrich,"?MusicBrainz is unreachable; discogs:9900001: John Coltrane: Tenor Saxophone.*,discogs$/,
      );
      // Not on Discogs either: failed (MusicBrainz may know it), not "not found"; the run went on to the end.
      expect(row(keys.unknown)).toBe(
        `${keys.unknown},Nobody Known,Unheard Tapes,failed,"MusicBrainz is unreachable, and Discogs has no release matching “Unheard Tapes” by Nobody Known. Nothing was written.",`,
      );
      expect(run.csv).toHaveLength(total + 1);
      const fromDiscogs = run.csv.filter((line) => line.startsWith('9') && line.endsWith(',discogs')).length;
      expect(fromDiscogs).toBeGreaterThanOrEqual(4);
      expect(run.content).toMatch(
        new RegExp(
          `^Dry run finished: .*\\(of ${total} albums\\)\\. \\d+ from Discogs because MusicBrainz did not answer\\.$`,
        ),
      );
    } finally {
      h.musicbrainz!.failureFor = undefined;
    }
  });

  it('reports progress for every album with an ETA from the effective rate', async () => {
    const calls: Array<[number, number, number | null]> = [];
    await enrichLibrary(h.services, {
      dryRun: true,
      force: true,
      mode: 'append',
      by: ADMIN.id,
      ratePerSecond: 1,
      onProgress: (done, total, eta) => calls.push([done, total, eta]),
    });
    const total = h.plex!.lib.albums.length;
    expect(calls.map(([done]) => done)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // Before three albums are timed, the ETA is 2.5 requests per album at 1 request/s.
    expect(calls[0]).toEqual([1, total, Math.round(2.5 * (total - 1))]);
    expect(calls.at(-1)).toEqual([total, total, 0]);
  });

  it('filters by genre and says so when nothing has it', async () => {
    const interaction = await h.discord.slashCommand({
      name: 'alex',
      subcommand: 'enrich_library',
      options: [{ name: 'genre', type: 3, value: 'Polka Fusion' }],
      user: ADMIN,
    });
    const reply = await h.discord.waitForRequest(
      (r) => r.method === 'POST' && r.path.endsWith(`/${interaction.token}`),
    );
    expect(reply.json.content).toBe('No album or artist in the music library has the genre “Polka Fusion”.');
    // "Listing albums…" was shown first; the answer replaced it instead of arriving beside it.
    expect(shownFor(interaction.id)).toEqual([{ content: reply.json.content, ephemeral: true, embeds: 0 }]);
  });

  it('replaces "Listing albums…" with the reason when Plex fails while listing', async () => {
    h.plex!.failure = { kind: 'status', status: 500 };
    try {
      const interaction = await h.discord.slashCommand({
        name: 'alex',
        subcommand: 'enrich_library',
        options: [{ name: 'genre', type: 3, value: 'Jazz' }],
        user: ADMIN,
      });
      const reply = await h.discord.waitForRequest(
        (r) => r.method === 'POST' && r.path.endsWith(`/${interaction.token}`),
        10_000,
      );
      expect(reply.json.content).toMatch(/^Plex /);
      expect(shownFor(interaction.id)).toEqual([{ content: reply.json.content, ephemeral: true, embeds: 0 }]);
    } finally {
      h.plex!.failure = { kind: 'none' };
    }
  });
});

describe('a job that outlives its interaction token', () => {
  it('moves to a channel message before the 15 minutes of the token are over: no call is refused', async () => {
    const lib = generateLibrary({ artists: 4, albumsPerArtist: 2, tracksPerAlbum: 2, seed: 7 });
    const long = await startHarness({ library: lib, musicbrainz: true });
    try {
      long.musicbrainz!.failure = { kind: 'slow', delayMs: 250 };
      const interaction = await long.discord.slashCommand({
        name: 'alex',
        subcommand: 'enrich_library',
        options: [{ name: 'dry_run', type: 5, value: true }],
        user: ADMIN,
      });
      const original = `/${interaction.token}/messages/@original`;
      await long.discord.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith(original), 10_000);
      const reply = [...long.discord.messages.values()].find(
        (m) => m.interaction_metadata?.id === interaction.id,
      )!;
      // 14 minutes pass (for Discord and the bot alike): the next progress goes through the channel.
      long.discord.advanceClock(14 * 60_000);
      const moved = await long.discord.waitForRequest(
        (r) => r.method === 'PATCH' && r.path === `/channels/${long.discord.channelId}/messages/${reply.id}`,
        15_000,
      );
      expect(moved.json.content).toMatch(/^Enriching albums: \d+\/8/);
      // Past the token's 15 minutes: the fake refuses the webhook now, as Discord does (50027).
      long.discord.advanceClock(2 * 60_000);
      const late = await fetch(
        `${long.discord.restApi}/v10/webhooks/${long.discord.applicationId}${original}`,
        {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ content: 'late' }),
        },
      );
      expect(late.status).toBe(401);
      expect(((await late.json()) as { code: number }).code).toBe(50027);
      const done = await long.discord.waitForRequest(
        (r) => r.method === 'POST' && r.path === `/channels/${long.discord.channelId}/messages`,
        20_000,
      );
      expect(done.json.content).toMatch(new RegExp(`^<@${ADMIN.id}> Dry run finished: `));
      expect(done.files[0]!.name).toBe('enrich-report.csv');
      await long.discord.waitForRequest(
        (r) => r.method === 'DELETE' && r.path === `/channels/${long.discord.channelId}/messages/${reply.id}`,
      );
      // The answer is the only message left, and the bot made no call Discord refused (but our own probe).
      expect(long.discord.messages.has(reply.id)).toBe(false);
      const refused = long.discord.requests.filter((r) => r.status >= 400 && r.json?.content !== 'late');
      expect(refused).toEqual([]);
    } finally {
      await long.stop();
    }
  }, 60_000);

  it('posts the job message again when a member deleted it, instead of editing a message that is gone', async () => {
    const lib = generateLibrary({ artists: 4, albumsPerArtist: 2, tracksPerAlbum: 2, seed: 8 });
    const long = await startHarness({ library: lib, musicbrainz: true });
    try {
      long.musicbrainz!.failure = { kind: 'slow', delayMs: 250 };
      const interaction = await long.discord.slashCommand({
        name: 'alex',
        subcommand: 'enrich_library',
        options: [{ name: 'dry_run', type: 5, value: true }],
        user: ADMIN,
      });
      const original = `/${interaction.token}/messages/@original`;
      await long.discord.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith(original), 10_000);
      const reply = [...long.discord.messages.values()].find(
        (m) => m.interaction_metadata?.id === interaction.id,
      )!;
      long.discord.messages.delete(reply.id);
      const reposted = await long.discord.waitForRequest(
        (r) => r.method === 'POST' && r.path === `/channels/${long.discord.channelId}/messages`,
        15_000,
      );
      expect(reposted.json.content).toMatch(new RegExp(`^<@${ADMIN.id}> Enriching albums: `));
      const done = await long.discord.waitForRequest(
        (r) =>
          r.method === 'POST' &&
          r.path === `/channels/${long.discord.channelId}/messages` &&
          r.files.length > 0,
        20_000,
      );
      expect(done.json.content).toMatch(new RegExp(`^<@${ADMIN.id}> Dry run finished: `));
      await long.discord.waitForRequest(
        (r) => r.method === 'DELETE' && r.path.startsWith(`/channels/${long.discord.channelId}/messages/`),
      );
      // One 404 told the bot the message was gone; it never edited the dead message again.
      const gone = long.discord.requests.filter((r) => r.status === 404);
      expect(gone).toHaveLength(1);
      const left = [...long.discord.messages.values()].filter((m) => m.channel_id === long.discord.channelId);
      expect(left.map((m) => m.content)).toEqual([done.json.content]);
    } finally {
      await long.stop();
    }
  }, 60_000);

  it('posts the result in the channel, mentioning who asked, when Discord refuses the late edit', async () => {
    const lib = generateLibrary({ artists: 2, albumsPerArtist: 1, tracksPerAlbum: 2, seed: 5 });
    const short = await startHarness({ library: lib, musicbrainz: true, discord: { tokenLifetimeMs: 300 } });
    try {
      short.musicbrainz!.failure = { kind: 'slow', delayMs: 200 };
      const interaction = await short.discord.slashCommand({
        name: 'alex',
        subcommand: 'enrich_library',
        options: [{ name: 'dry_run', type: 5, value: true }],
        user: ADMIN,
      });
      const post = await short.discord.waitForRequest(
        (r) => r.method === 'POST' && r.path === `/channels/${short.discord.channelId}/messages`,
        15_000,
      );
      expect(post.json.content).toMatch(new RegExp(`^<@${ADMIN.id}> Dry run finished: `));
      expect(post.json.allowed_mentions).toEqual({ users: [ADMIN.id], replied_user: false });
      expect(post.files[0]!.name).toBe('enrich-report.csv');
      const refused = short.discord.requests.find(
        (r) => r.path.endsWith(`/${interaction.token}/messages/@original`) && r.status === 401,
      );
      expect(refused).toBeDefined();
    } finally {
      await short.stop();
    }
  });
});
