/**
 * Issue 7: "Top Rated" sync over a generated library of ~100,000 tracks with ~10,000 rated ≥ 8 — first
 * sync (creates the playlist) and a no-op resync: wall time, Plex requests, and the bot process's peak
 * RSS. The Plex fake runs in its own process, like a real server.
 */
import { loadConfig } from '../src/config.ts';
import { createSilentLogger } from '../src/logger.ts';
import { createServices } from '../src/services/index.ts';
import { FAKE_TAUTULLI_API_KEY } from '../fakes/tautulli.ts';
import { forkFakeServers } from './fork-fakes.ts';
import { printTable } from './stats.ts';

export async function benchPlaylistSync() {
  const servers = await forkFakeServers({
    library: {
      artists: 3000,
      albumsPerArtist: [3, 4],
      tracksPerAlbum: [9, 10],
      seed: 4,
      ratedFraction: 0.235,
    },
    users: [],
    history: { playsPerUser: 0 },
  });
  const config = loadConfig(
    {
      TAUTULLI_URL: servers.tautulliUrl,
      TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
      PLEX_URL: servers.plexUrl,
      PLEX_TOKEN: servers.plexToken,
      UPSTREAM_TIMEOUT: '120',
      DATA_DIR: '/tmp/autoalex-bench',
    },
    'cli',
  );
  const services = createServices(config, createSilentLogger());
  const rssBeforeMiB = process.memoryUsage().rss / 2 ** 20;
  const runs = [];
  for (const label of ['first sync (creates the playlist)', 'no-op resync']) {
    const before = await servers.counts();
    const started = performance.now();
    const report = await services.playlistSync.run(
      { playlist: 'My Top Rated', minRating: 8, dryRun: false },
      'bench',
    );
    const wallMs = performance.now() - started;
    const after = await servers.counts();
    runs.push({
      label,
      wallMs,
      plexRequests: after.plex - before.plex,
      added: report.added.length,
      writes: report.writes,
      target: report.target,
    });
  }
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  services.close();
  await servers.stop();
  printTable(`Playlist sync (${runs[0]?.target} tracks rated ≥ 8 in a ~100k-track library)`, [
    ...runs.map((r): [string, string] => [`${r.label}: wall time`, `${r.wallMs.toFixed(0)} ms`]),
    ...runs.map((r): [string, string] => [
      `${r.label}: Plex requests (writes)`,
      `${r.plexRequests} (${r.writes})`,
    ]),
    ['RSS of the bench process before the first sync', `${rssBeforeMiB.toFixed(0)} MiB`],
    ['peak RSS of the bench process', `${peakRssMiB.toFixed(0)} MiB`],
  ]);
  return { runs, rssBeforeMiB, peakRssMiB };
}
