/**
 * Issue 18: the local listening history at 200k and 800k rows (`npm run bench -- history`).
 * For each size: the first fill against the forked Tautulli fake (requests, time, the largest window, which
 * must stay within the page cap), then the favourite artist's completion answered from the mirror (warm:
 * the same command pressed again, as a page button does), the mirror query alone, Tautulli requests per
 * completion, and one tick's requests. One listener at the generator's pace, ending two days ago: 800k
 * rows are many years of plays, more than any one listener has: a bound, not a typical history.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completion } from '../src/commands/completion.ts';
import { cliContext } from '../src/cli/run-command.ts';
import { loadConfig } from '../src/config.ts';
import { createSilentLogger } from '../src/logger.ts';
import { createServices } from '../src/services/index.ts';
import { ALL_TIME } from '../src/services/listening/period.ts';
import { HISTORY_PAGE_CAP } from '../src/services/listening/mirror.ts';
import { generateHistory, generateLibrary } from '../fakes/library.ts';
import { FAKE_TAUTULLI_API_KEY } from '../fakes/tautulli.ts';
import type { FakeServersSpec } from './fake-servers.ts';
import { busiestAndMedian, forkFakeServers } from './fork-fakes.ts';
import { percentile, printTable } from './stats.ts';
import type { Row } from './stats.ts';

const logger = createSilentLogger();
const SIZES = [200_000, 800_000];
const RUNS = 30;

async function benchSize(rowsWanted: number) {
  const user = { userId: 7, friendlyName: 'Heavy Listener', username: 'heavy' };
  // The history ends two days ago, as a real one does: no play dated after the mirror's "today". The generator
  // plays at a listener's pace (a track, then the next; pauses between sessions), so its length follows from the
  // row count: generated once from time 0, then again shifted to end two days ago (the same seed, the same plays).
  const spec: FakeServersSpec = {
    library: { artists: 30, albumsPerArtist: 50, tracksPerAlbum: 20, seed: 2, includeFixtures: false },
    users: [user],
    history: { playsPerUser: rowsWanted, seed: 3, startTime: 0 },
  };
  const lib = generateLibrary(spec.library);
  const unshifted = generateHistory(lib, spec.users, spec.history);
  const length = unshifted.reduce((max, row) => Math.max(max, row.started), 0);
  spec.history = { ...spec.history, startTime: Math.floor(Date.now() / 1000) - 2 * 86_400 - length };
  const history = generateHistory(lib, spec.users, spec.history);
  const first = history.reduce((min, row) => Math.min(min, row.started), Infinity);
  const spanYears = (length + spec.history.startTime! - first) / (365.25 * 86_400);
  const { busiest, rows } = busiestAndMedian(lib, history);
  const servers = await forkFakeServers(spec);
  const dataDir = mkdtempSync(join(tmpdir(), 'autoalex-bench-history-'));
  const config = loadConfig(
    {
      PLEX_URL: servers.plexUrl,
      PLEX_TOKEN: servers.plexToken,
      TAUTULLI_URL: servers.tautulliUrl,
      TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
      UPSTREAM_TIMEOUT: '60',
      DATA_DIR: dataDir,
    },
    'cli',
  );
  const services = createServices(config, logger);
  try {
    await services.library.refresh();
    let before = await servers.counts();
    const fillStarted = performance.now();
    const fill = await services.history.sync();
    const fillMs = performance.now() - fillStarted;
    let after = await servers.counts();
    const fillRequests = after.tautulli - before.tautulli;
    if (services.history.status() !== 'ready') throw new Error('the mirror is not ready after its fill');
    // The mirror keeps music: the generator's other rows (a film, an episode) stay in Tautulli.
    const music = history.filter((row) => row.media_type === 'track').length;
    const mirrored = services.store.countHistory(0, Number.MAX_SAFE_INTEGER);
    if (mirrored !== music) throw new Error(`the fill mirrored ${mirrored} of ${music} music rows`);

    const ctx = cliContext({ services, config, logger });
    const args = { artist: busiest.ratingKey, user: String(user.userId) };
    const first = await completion.run(args, ctx);
    if (!first.content?.includes(`of ${busiest.title}'s collection`))
      throw new Error(`unexpected reply: ${first.content}`);
    const warm: number[] = [];
    const query: number[] = [];
    before = await servers.counts();
    for (let i = 0; i < RUNS; i++) {
      let started = performance.now();
      await completion.run(args, ctx);
      warm.push(performance.now() - started);
      started = performance.now();
      await services.history.artistPlays(
        { key: busiest.ratingKey, title: busiest.title },
        [String(user.userId)],
        ALL_TIME,
      );
      query.push(performance.now() - started);
    }
    after = await servers.counts();
    const perCompletion = (after.tautulli - before.tautulli) / RUNS;

    before = await servers.counts();
    const tick = await services.history.sync();
    after = await servers.counts();
    return {
      rows: history.length,
      spanYears,
      artistRows: rows.get(busiest.ratingKey) ?? 0,
      fill: { ms: fillMs, requests: fillRequests, largestWindow: fill.largestWindow, cap: HISTORY_PAGE_CAP },
      completionWarmMs: { p50: percentile(warm, 50), p95: percentile(warm, 95) },
      mirrorQueryMs: { p50: percentile(query, 50), p95: percentile(query, 95) },
      tautulliRequestsPerCompletion: perCompletion,
      tick: { requests: after.tautulli - before.tautulli, rows: tick.rows },
    };
  } finally {
    services.close();
    await servers.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchHistory() {
  const results = [];
  for (const size of SIZES) results.push(await benchSize(size));
  const table: Row[] = [];
  for (const r of results) {
    const n = `${(r.rows / 1000).toFixed(0)}k rows`;
    table.push(
      [`${n}: history length (one listener, ending two days ago)`, `${r.spanYears.toFixed(1)} years`],
      [
        `${n}: first fill (every music row mirrored)`,
        `${(r.fill.ms / 1000).toFixed(1)} s, ${r.fill.requests} requests`,
      ],
      [`${n}: largest window (cap ${r.fill.cap})`, `${r.fill.largestWindow} rows`],
      [
        `${n}: favourite artist (${r.artistRows} plays) completion, warm p50 / p95`,
        `${r.completionWarmMs.p50.toFixed(1)} / ${r.completionWarmMs.p95.toFixed(1)} ms`,
      ],
      [
        `${n}: the mirror query alone p50 / p95`,
        `${r.mirrorQueryMs.p50.toFixed(1)} / ${r.mirrorQueryMs.p95.toFixed(1)} ms`,
      ],
      [`${n}: Tautulli requests per completion`, String(r.tautulliRequestsPerCompletion)],
      [`${n}: one tick`, `${r.tick.requests} requests, ${r.tick.rows} rows`],
    );
  }
  const [small, large] = results;
  if (small && large)
    table.push([
      'growth of the warm completion, 200k → 800k',
      `${(large.completionWarmMs.p50 / small.completionWarmMs.p50).toFixed(2)}×`,
    ]);
  printTable('Local listening history (fakes in a separate process)', table);
  return results;
}
