/**
 * Issue 9: `/alex leaderboard` for 50 users and 200,000 history rows (fakes in a separate process): wall
 * time and requests, against the per-user way (one get_history walk per user).
 */
import { leaderboard } from '../src/commands/leaderboard.ts';
import { createSilentLogger } from '../src/logger.ts';
import { cliContext } from '../src/cli/run-command.ts';
import { createServices } from '../src/services/index.ts';
import { generateHistory, generateLibrary } from '../fakes/library.ts';
import type { HistoryUser } from '../fakes/library.ts';
import type { FakeServersSpec } from './fake-servers.ts';
import { busiestAndMedian, configFor, forkFakeServers } from './fork-fakes.ts';
import { percentile, printTable } from './stats.ts';
import type { Row } from './stats.ts';

const USERS = 50;
const ROWS = 200_000;
const RUNS = 3;

export async function benchLeaderboard() {
  const logger = createSilentLogger();
  const users: HistoryUser[] = Array.from({ length: USERS }, (_, i) => ({
    userId: 5000 + i,
    username: `user${i}`,
    friendlyName: `User ${i}`,
  }));
  const spec: FakeServersSpec = {
    library: {
      artists: 30,
      albumsPerArtist: [3, 12],
      tracksPerAlbum: [8, 14],
      seed: 4,
      includeFixtures: false,
    },
    users,
    history: { playsPerUser: ROWS / USERS, seed: 6 },
  };
  // The same deterministic data as the fake servers hold, to pick artists and count their rows.
  const lib = generateLibrary(spec.library);
  const history = generateHistory(lib, users, spec.history);
  const listeners = new Map<string, Set<number>>();
  for (const row of history) {
    const key = String(row.grandparent_rating_key);
    listeners.set(key, (listeners.get(key) ?? new Set()).add(row.user_id));
  }
  const { busiest, median, rows } = busiestAndMedian(lib, history);
  const cases = [
    { label: 'busiest artist', artist: busiest },
    { label: 'typical artist (median plays)', artist: median },
  ];
  const servers = await forkFakeServers(spec);
  const config = configFor(servers);
  const out = [];
  const table: Row[] = [];
  for (const { label, artist } of cases) {
    const cold: number[] = [];
    let requests = { plex: 0, tautulli: 0 };
    let warmMs = 0;
    for (let i = 0; i < RUNS; i++) {
      // Fresh services each run: no cached plays or users, so every run asks Plex and Tautulli for real.
      const services = createServices(config, logger);
      await services.library.refresh();
      const ctx = cliContext({ services, config, logger });
      const before = await servers.counts();
      const started = performance.now();
      const reply = await leaderboard.run({ artist: artist.ratingKey }, ctx);
      cold.push(performance.now() - started);
      const after = await servers.counts();
      requests = { plex: after.plex - before.plex, tautulli: after.tautulli - before.tautulli };
      if (!reply.embeds?.[0]?.title?.startsWith(artist.title))
        throw new Error(`unexpected reply: ${reply.content}`);
      const warmStarted = performance.now();
      await leaderboard.run({ artist: artist.ratingKey }, ctx); // a page press right after: cached walk
      warmMs = performance.now() - warmStarted;
      services.close();
    }
    // The way this avoids: one get_history walk per user (user_id filter), in turn.
    const services = createServices(config, logger);
    const naiveBefore = await servers.counts();
    const naiveStarted = performance.now();
    for (const user of users) await services.tautulli.artistPlays(artist.ratingKey, [String(user.userId)]);
    const naiveMs = performance.now() - naiveStarted;
    const naiveRequests = (await servers.counts()).tautulli - naiveBefore.tautulli;
    services.close();
    const wall = percentile(cold, 50);
    const artistRows = rows.get(artist.ratingKey) ?? 0;
    const who = listeners.get(artist.ratingKey)?.size ?? 0;
    out.push({
      label,
      artistRows,
      listeners: who,
      wallMs: wall,
      warmMs,
      requests,
      naive: { requests: naiveRequests, ms: naiveMs },
    });
    table.push(
      [
        `${label}: ${artistRows} plays by ${who} users — wall time (median of ${RUNS})`,
        `${wall.toFixed(0)} ms`,
      ],
      [`${label}: requests Plex + Tautulli`, `${requests.plex} + ${requests.tautulli}`],
      [`${label}: a page press right after (cached walk)`, `${warmMs.toFixed(0)} ms`],
      [
        `${label}: one get_history walk per user instead`,
        `${naiveRequests} Tautulli requests, ${naiveMs.toFixed(0)} ms`,
      ],
    );
  }
  await servers.stop();
  printTable(
    `/alex leaderboard (${USERS} users, ${history.length} history rows; fakes in a separate process)`,
    table,
  );
  return out;
}
