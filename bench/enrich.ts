/**
 * Issue 6: `/alex enrich_library` over 500 albums against the Plex and MusicBrainz fakes with rate limiting
 * off (a mirror): albums per second and requests per album. Each album's Guid names a composed release.
 */
import { loadConfig } from '../src/config.ts';
import { createSilentLogger } from '../src/logger.ts';
import { enrichLibrary } from '../src/services/credits/batch.ts';
import { createServices } from '../src/services/index.ts';
import { generateLibrary } from '../fakes/library.ts';
import { MB_RELEASES } from '../fakes/metadata-data.ts';
import { startMusicBrainzFake } from '../fakes/musicbrainz.ts';
import { startPlexFake } from '../fakes/plex.ts';
import { FAKE_TAUTULLI_API_KEY } from '../fakes/tautulli.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printTable } from './stats.ts';

export async function benchEnrich() {
  const lib = generateLibrary({
    artists: 100,
    albumsPerArtist: 5,
    tracksPerAlbum: 4,
    seed: 8,
    includeFixtures: false,
  });
  const releases = [MB_RELEASES.aLoveSupreme, MB_RELEASES.kindOfBlue];
  lib.albums.forEach((album, i) => (album.mbid = releases[i % releases.length]!.releaseId));
  const plex = await startPlexFake(lib);
  const musicbrainz = await startMusicBrainzFake();
  const config = loadConfig(
    {
      PLEX_URL: plex.url,
      PLEX_TOKEN: plex.token,
      TAUTULLI_URL: 'http://127.0.0.1:9',
      TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
      MUSICBRAINZ_URL: musicbrainz.url,
      MUSICBRAINZ_RATE_LIMIT: 'off',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'autoalex-bench-')),
    },
    'cli',
  );
  const services = createServices(config, createSilentLogger());
  const plexBefore = plex.requests.length;
  const started = performance.now();
  const rows = await enrichLibrary(services, {
    dryRun: false,
    force: true,
    mode: 'append',
    by: 'bench',
    ratePerSecond: null,
    onProgress: () => undefined,
  });
  const seconds = (performance.now() - started) / 1000;
  const enriched = rows.filter((r) => r.outcome === 'enriched').length;
  const result = {
    albums: rows.length,
    enriched,
    seconds,
    albumsPerSecond: rows.length / seconds,
    musicbrainzRequestsPerAlbum: musicbrainz.requests.length / rows.length,
    plexRequestsPerAlbum: (plex.requests.length - plexBefore) / rows.length,
  };
  services.close();
  await plex.close();
  await musicbrainz.close();
  printTable(`enrich_library over ${rows.length} albums (MusicBrainz mirror, rate limit off)`, [
    ['albums enriched', `${enriched} of ${rows.length}`],
    ['wall time', `${seconds.toFixed(1)} s (${result.albumsPerSecond.toFixed(1)} albums/s)`],
    ['MusicBrainz requests per album', result.musicbrainzRequestsPerAlbum.toFixed(2)],
    ['Plex requests per album (incl. listing)', result.plexRequestsPerAlbum.toFixed(2)],
    [
      "at the public server's 1 request/s",
      `≈ ${((result.musicbrainzRequestsPerAlbum * rows.length) / 60).toFixed(0)} min for these albums`,
    ],
  ]);
  return result;
}
