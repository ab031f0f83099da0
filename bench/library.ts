/**
 * Issue 3: autocomplete over a 100k-track library (latency inside the bot, index memory) and
 * `/alex completion` for a 1,000-track artist and a user with 200,000 history rows (wall time and request
 * counts, against the naive one-request-per-track way).
 */
import { libraryChoices } from '../src/lookup/choices.ts';
import { completion } from '../src/commands/completion.ts';
import { createSilentLogger } from '../src/logger.ts';
import { createLibraryIndex } from '../src/services/library/library-index.ts';
import type { EntryKind } from '../src/services/library/library-index.ts';
import type { CommandContext } from '../src/context.ts';
import { cliContext } from '../src/cli/run-command.ts';
import { createServices } from '../src/services/index.ts';
import { createPlexService } from '../src/services/plex/client.ts';
import { createRng, generateHistory, generateLibrary } from '../fakes/library.ts';
import type { Library } from '../fakes/library.ts';
import { startPlexFake } from '../fakes/plex.ts';
import type { FakeServersSpec } from './fake-servers.ts';
import { FAKE_TAUTULLI_API_KEY } from '../fakes/tautulli.ts';
import { busiestAndMedian, configFor, forkFakeServers } from './fork-fakes.ts';
import { heapUsedMiB, percentile, printTable } from './stats.ts';
import type { Row } from './stats.ts';

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
  const user = { userId: 7, friendlyName: 'Heavy Listener', username: 'heavy' };
  const spec: FakeServersSpec = {
    library: { artists: 30, albumsPerArtist: 50, tracksPerAlbum: 20, seed: 2, includeFixtures: false },
    users: [user],
    history: { playsPerUser: 200_000, seed: 3 },
  };
  // The same deterministic data as the fake servers hold, to pick artists and count rows.
  const lib = generateLibrary(spec.library);
  const history = generateHistory(lib, spec.users, spec.history);
  const { busiest, median, rows } = busiestAndMedian(lib, history);
  const cases = [
    { label: 'favourite artist', artist: busiest },
    { label: 'typical artist (median plays)', artist: median },
  ];
  const servers = await forkFakeServers(spec);
  const config = configFor(servers);
  const out = [];
  const rowsOut: Row[] = [];
  for (const { label, artist } of cases) {
    const artistTracks = lib.tracks.filter((t) => t.artistKey === artist.ratingKey).length;
    const cold: number[] = [];
    let requests = { plex: 0, tautulli: 0 };
    for (let i = 0; i < 3; i++) {
      // Fresh services each time: no cached plays, so every run walks Plex and Tautulli for real.
      const services = createServices(config, logger);
      await services.library.refresh();
      const ctx = cliContext({ services, config, logger });
      const before = await servers.counts();
      const started = performance.now();
      const reply = await completion.run({ artist: artist.ratingKey, user: String(user.userId) }, ctx);
      cold.push(performance.now() - started);
      const after = await servers.counts();
      requests = { plex: after.plex - before.plex, tautulli: after.tautulli - before.tautulli };
      if (!reply.content?.includes(`of ${artist.title}'s collection`))
        throw new Error(`unexpected reply: ${reply.content}`);
      const warmStarted = performance.now();
      await completion.run({ artist: artist.ratingKey, user: String(user.userId) }, ctx);
      if (i === 2)
        rowsOut.push([
          `${label}: a page press right after (cached plays)`,
          `${(performance.now() - warmStarted).toFixed(0)} ms`,
        ]);
      services.close();
    }
    const naiveStarted = performance.now();
    for (const track of lib.tracks.filter((t) => t.artistKey === artist.ratingKey)) {
      const url = `${servers.tautulliUrl}/api/v2?apikey=${FAKE_TAUTULLI_API_KEY}&cmd=get_history&user_id=${user.userId}&rating_key=${track.ratingKey}&length=1`;
      await (await fetch(url)).json();
    }
    const naiveMs = performance.now() - naiveStarted;
    const wall = percentile(cold, 50);
    const total = requests.plex + requests.tautulli;
    out.push({
      label,
      artistTracks,
      artistHistoryRows: rows.get(artist.ratingKey) ?? 0,
      wallMs: wall,
      requests,
      naive: { requests: artistTracks + 2, wallMs: naiveMs },
    });
    rowsOut.unshift(
      [
        `${label}: ${artistTracks} tracks, ${rows.get(artist.ratingKey) ?? 0} plays — wall time (median of 3)`,
        `${wall.toFixed(0)} ms`,
      ],
      [`${label}: requests Plex + Tautulli`, `${requests.plex} + ${requests.tautulli}`],
      [
        `${label}: naive one request per track`,
        `${artistTracks + 2} requests (${((artistTracks + 2) / total).toFixed(0)}× more), Tautulli part alone ${naiveMs.toFixed(0)} ms (${(naiveMs / wall).toFixed(1)}×)`,
      ],
    );
  }
  await servers.stop();
  printTable(
    `/alex completion (user with ${history.length} history rows; fakes in a separate process)`,
    rowsOut,
  );
  return out;
}
