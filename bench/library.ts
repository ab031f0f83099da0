/**
 * Issue 3 (autocomplete moved to bench/autocomplete.ts, issue 19):
 * `/alex completion` for a 1,000-track artist and a user with 200,000 history rows (wall time and request
 * counts, against the naive one-request-per-track way).
 */
import { completion } from '../src/commands/completion.ts';
import { createSilentLogger } from '../src/logger.ts';
import { cliContext } from '../src/cli/run-command.ts';
import { createServices } from '../src/services/index.ts';
import { generateHistory, generateLibrary } from '../fakes/library.ts';
import type { FakeServersSpec } from './fake-servers.ts';
import { FAKE_TAUTULLI_API_KEY } from '../fakes/tautulli.ts';
import { busiestAndMedian, configFor, forkFakeServers } from './fork-fakes.ts';
import { percentile, printTable } from './stats.ts';
import type { Row } from './stats.ts';

const logger = createSilentLogger();

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
