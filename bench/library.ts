/**
 * Issue 3: autocomplete over a 100k-track library (latency inside the bot, index memory) and
 * `/alex completion` for a 1,000-track artist and a user with 200,000 history rows (wall time and request
 * counts, against the naive one-request-per-track way).
 */
import { libraryChoices } from '../src/commands/autocomplete.ts';
import type { CommandContext } from '../src/commands/types.ts';
import { completion } from '../src/commands/completion.ts';
import { loadConfig } from '../src/config.ts';
import { createSilentLogger } from '../src/logger.ts';
import { createLibraryIndex } from '../src/services/library-index.ts';
import type { EntryKind } from '../src/services/library-index.ts';
import { createServices } from '../src/services/index.ts';
import { createPlexService } from '../src/services/plex.ts';
import { createRng, generateHistory, generateLibrary } from '../test/fakes/library.ts';
import { tautulliUsers } from '../test/fakes/tautulli-history.ts';
import type { Library } from '../test/fakes/library.ts';
import { startPlexFake } from '../test/fakes/plex.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../test/fakes/tautulli.ts';
import { heapUsedMiB, percentile, printTable } from './stats.ts';

const logger = createSilentLogger();

/** Realistic autocomplete input: prefixes of real names as they are typed, lower case, without accents, typos. */
function queries(lib: Library, count: number): Array<[EntryKind, string]> {
  const rng = createRng(99);
  const pools: Record<EntryKind, readonly { title: string }[]> = {
    artist: lib.artists,
    album: lib.albums,
    track: lib.tracks,
  };
  const out: Array<[EntryKind, string]> = [];
  const kinds: EntryKind[] = ['artist', 'album', 'track'];
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % 3] as EntryKind;
    const pool = pools[kind];
    const name = (pool[Math.floor(rng.next() * pool.length)] as { title: string }).title
      .normalize('NFKD')
      .replace(/\p{M}/gu, '');
    const roll = rng.next();
    let q = name.slice(0, 1 + Math.floor(rng.next() * Math.min(12, name.length)));
    if (roll < 0.15) q = q.toLowerCase();
    else if (roll < 0.25 && q.length > 3)
      q = q.slice(0, 1) + q.slice(2); // a dropped letter
    else if (roll < 0.3) q = 'zqxj'.slice(0, 1 + Math.floor(rng.next() * 4)); // no match at all
    out.push([kind, q]);
  }
  return out;
}

export async function benchAutocomplete() {
  const lib = generateLibrary({ artists: 3000, albumsPerArtist: [3, 4], tracksPerAlbum: [9, 10], seed: 1 });
  const plexFake = await startPlexFake(lib);
  const plex = createPlexService({ baseUrl: plexFake.url, token: plexFake.token, timeoutMs: 60_000, logger });
  const before = heapUsedMiB();
  const index = createLibraryIndex({ plex, logger, sections: [] });
  const buildStarted = performance.now();
  await index.refresh();
  const buildMs = performance.now() - buildStarted;
  const indexMiB = heapUsedMiB() - before;
  await plexFake.close();

  const ctx = { services: { library: index } } as unknown as CommandContext;
  const all = queries(lib, 3000);
  for (const [kind, q] of all.slice(0, 300)) libraryChoices(kind, q, ctx); // warm-up
  const times: number[] = [];
  for (const [kind, q] of all) {
    const started = performance.now();
    libraryChoices(kind, q, ctx);
    times.push(performance.now() - started);
  }
  const result = {
    library: { artists: lib.artists.length, albums: lib.albums.length, tracks: lib.tracks.length },
    indexBuildMs: buildMs,
    indexHeapMiB: indexMiB,
    autocompleteMs: {
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      max: Math.max(...times),
      n: times.length,
    },
  };
  printTable(
    `Autocomplete (${result.library.artists} artists / ${result.library.albums} albums / ${result.library.tracks} tracks)`,
    [
      ['index build from the Plex fake (paged, 5,000 per page)', `${buildMs.toFixed(0)} ms`],
      ['index heap (after GC)', `${indexMiB.toFixed(1)} MiB`],
      [`autocomplete p50 (n=${times.length}, mixed kinds)`, `${result.autocompleteMs.p50.toFixed(2)} ms`],
      ['autocomplete p99', `${result.autocompleteMs.p99.toFixed(2)} ms`],
      ['autocomplete max', `${result.autocompleteMs.max.toFixed(2)} ms`],
    ],
  );
  return result;
}

export async function benchCompletion() {
  const lib = generateLibrary({
    artists: 30,
    albumsPerArtist: 50,
    tracksPerAlbum: 20,
    seed: 2,
    includeFixtures: false,
  });
  const user = { userId: 7, friendlyName: 'Heavy Listener', username: 'heavy' };
  const history = generateHistory(lib, [user], { playsPerUser: 200_000, seed: 3 });
  const counts = new Map<string, number>();
  for (const row of history)
    counts.set(String(row.grandparent_rating_key), (counts.get(String(row.grandparent_rating_key)) ?? 0) + 1);
  const artist = [...lib.artists].sort(
    (a, b) => (counts.get(b.ratingKey) ?? 0) - (counts.get(a.ratingKey) ?? 0),
  )[0]!;
  const artistTracks = lib.tracks.filter((t) => t.artistKey === artist.ratingKey);
  const plexFake = await startPlexFake(lib);
  const tautulliFake = await startTautulliFake(FAKE_TAUTULLI_API_KEY, {
    history,
    users: tautulliUsers([user]),
  });
  const config = loadConfig(
    {
      PLEX_URL: plexFake.url,
      PLEX_TOKEN: plexFake.token,
      TAUTULLI_URL: tautulliFake.url,
      TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
      UPSTREAM_TIMEOUT: '60',
    },
    'cli',
  );
  const services = createServices(config, logger);
  await services.library.refresh();
  const ctx: CommandContext = {
    services,
    config,
    logger,
    caller: { id: 'bench', name: 'bench', isAdmin: true },
    transport: 'cli',
    invokedAs: 'cli',
    attachmentSizeLimit: 10 * 2 ** 20,
    progress: () => undefined,
  };
  const walls: number[] = [];
  let requests = { plex: 0, tautulli: 0 };
  for (let i = 0; i < 5; i++) {
    const plexBefore = plexFake.requests.length;
    const tautulliBefore = tautulliFake.requests.length;
    const started = performance.now();
    const reply = await completion.run({ artist: artist.ratingKey, user: String(user.userId) }, ctx);
    walls.push(performance.now() - started);
    if (!reply.content?.includes(`of ${artist.title}'s collection`))
      throw new Error(`unexpected reply: ${reply.content}`);
    requests = {
      plex: plexFake.requests.length - plexBefore,
      tautulli: tautulliFake.requests.length - tautulliBefore,
    };
  }
  // The naive way: ask Tautulli about each track of the artist.
  const naiveStarted = performance.now();
  for (const track of artistTracks) {
    const url = `${tautulliFake.url}/api/v2?apikey=${FAKE_TAUTULLI_API_KEY}&cmd=get_history&user_id=${user.userId}&rating_key=${track.ratingKey}&length=1`;
    await (await fetch(url)).json();
  }
  const naiveMs = performance.now() - naiveStarted;
  services.close();
  await plexFake.close();
  await tautulliFake.close();
  const artistRows = counts.get(artist.ratingKey) ?? 0;
  const result = {
    artistTracks: artistTracks.length,
    historyRows: history.length,
    artistHistoryRows: artistRows,
    wallMs: { median: percentile(walls, 50), max: Math.max(...walls) },
    requests,
    naive: { requests: artistTracks.length + 1, wallMs: naiveMs },
  };
  printTable(
    `/alex completion (${artistTracks.length}-track artist, ${history.length} history rows, ${artistRows} for this artist)`,
    [
      [
        'wall time (median of 5)',
        `${result.wallMs.median.toFixed(0)} ms (max ${result.wallMs.max.toFixed(0)} ms)`,
      ],
      ['requests: Plex + Tautulli', `${requests.plex} + ${requests.tautulli}`],
      [
        'naive one-request-per-track: requests',
        `${result.naive.requests} (${(result.naive.requests / (requests.plex + requests.tautulli)).toFixed(0)}× more)`,
      ],
      [
        'naive one-request-per-track: wall time (Tautulli part only)',
        `${naiveMs.toFixed(0)} ms (${(naiveMs / result.wallMs.median).toFixed(1)}× slower)`,
      ],
    ],
  );
  return result;
}
