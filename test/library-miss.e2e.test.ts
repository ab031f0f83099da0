import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MISS_REFRESH_MS } from '../src/services/library/library-index.ts';
import { addArtist, generateLibrary } from '../fakes/library.ts';
import type { Library } from '../fakes/library.ts';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';

const OWNER = { id: '400000000000000001', username: 'alexd', admin: true };

let h: Harness;
let lib: Library;

async function prefix(content: string): Promise<RecordedRequest['json']> {
  const sent = await h.discord.userMessage(content, { user: OWNER });
  return (await h.discord.waitForRequest((r) => r.json?.message_reference?.message_id === sent.id)).json;
}

/** Full walks of the artists (each build starts with one). */
const artistWalks = () =>
  (h.plex?.requests ?? []).filter(
    (r) => r.path.endsWith('/all') && r.query.type === '8' && r.query['X-Plex-Container-Start'] === '0',
  ).length;

beforeAll(async () => {
  lib = generateLibrary({ artists: 60, albumsPerArtist: [2, 4], tracksPerAlbum: [3, 8], seed: 11 });
  // Plex may take 3 s per page here; the bot's timeout must not cut the rebuild short.
  h = await startHarness({ library: lib, env: { UPSTREAM_TIMEOUT: '10' } });
  await h.services.library.ready();
});
afterAll(() => h.stop());

describe('a lookup that misses', () => {
  it('answers at once with suggestions and refreshes in the background, at most once per few minutes', async () => {
    // Any rebuild now is slow (a big library), and the index is older than the rate limit.
    h.plex!.failureFor = (req) => (req.path.endsWith('/all') ? { kind: 'slow', delayMs: 3000 } : undefined);
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + MISS_REFRESH_MS + 60_000);
    const walks = artistWalks();
    try {
      const started = performance.now();
      const reply = await prefix('!plex completion Skrilex');
      expect(reply.content).toBe('There is no artist named “Skrilex” on this server. Closest: Skrillex.');
      // The answer did not wait for the rebuild (each of its pages takes 3 s)…
      expect(performance.now() - started).toBeLessThan(2500);
      // …which runs in the background: the artists' walk has started.
      await vi.waitFor(() => expect(artistWalks()).toBe(walks + 1), { timeout: 2000 });
      // Another miss right after: an answer as quick, and no second rebuild.
      const again = performance.now();
      expect((await prefix('!plex completion Skrillexx')).content).toContain('Closest: Skrillex');
      expect(performance.now() - again).toBeLessThan(2500);
      expect(artistWalks()).toBe(walks + 1);
    } finally {
      h.plex!.failureFor = undefined;
      vi.useRealTimers();
    }
    await h.services.library.refresh();
    expect(artistWalks()).toBe(walks + 1);
  });

  it("finds a title added after the last build through Plex's own search", async () => {
    const added = addArtist(lib, 'Quietly Added Quartet');
    const reply = await prefix('!plex completion Quietly Added Quartet');
    expect(reply.content).not.toContain('There is no artist named');
    expect(reply.content).toContain('Quietly Added Quartet');
    expect(h.services.library.get(added.ratingKey)?.label).toBe('Quietly Added Quartet');
  });

  it('matches nothing with text that has no letters or digits, though an artist is named “!!!”', async () => {
    expect(lib.artists.some((a) => a.title === '!!!')).toBe(true);
    expect((await prefix('!plex completion 🎸🎸')).content).toBe(
      'There is no artist named “🎸🎸” on this server.',
    );
    expect((await prefix('!plex reduce vocals ???')).content).toBe(
      'There is no track named “???” on this server. Start typing its title and pick it from the list.',
    );
    expect((await prefix('!plex completion Skrillex user:???')).content).toMatch(
      /^There is no Plex user named “\?\?\?”/,
    );
  });
});
