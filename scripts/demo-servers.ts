import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import type { Config } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { Logger } from '../src/logger.ts';
import { createServices } from '../src/services/index.ts';
import type { Services } from '../src/services/index.ts';
import { synthStemTrack } from '../fakes/audio.ts';
import { addMilesDavisAlbums, addSampleJazz, mergeHistories, withDemoNames } from '../fakes/demo-library.ts';
import { startDiscogsFake } from '../fakes/discogs.ts';
import { startDockerFake } from '../fakes/docker.ts';
import type { DockerFake } from '../fakes/docker.ts';
import { generateHistory, generateLibrary, sampleUsers } from '../fakes/library.ts';
import { startMusicBrainzFake } from '../fakes/musicbrainz.ts';
import { startPlexFake } from '../fakes/plex.ts';
import type { PlexFake } from '../fakes/plex.ts';
import { sampleActivity } from '../fakes/tautulli-sessions.ts';
import { tautulliUsers } from '../fakes/tautulli-history.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';

const DEMO_SEPARATOR = fileURLToPath(new URL('../fakes/demucs/fake-demucs.mjs', import.meta.url));
/** Printed with every remix the demo makes: its stems are test tones, not a separation of music. */
export const DEMO_SEPARATOR_LABEL =
  '🧪 demo separator: not Demucs. The stems are test tones, not your music.';

/**
 * The sample servers of `npm run demo` (and the README's cards): Plex with a generated music library that
 * includes the fixture artists and the jazz albums `/alex help` names, Tautulli with sample streams and a
 * year of play history (mirrored before the first command, as the running bot does in the background),
 * MusicBrainz and Discogs with those albums' credits (nothing reaches the public servers, no quota spent), and
 * a Docker engine with a running "binhex-plexpass" container; Autoalex's services pointed at them, as the
 * terminal's owner.
 */
export async function startDemoServers(name: string): Promise<{
  deps: { config: Config; services: Services; logger: Logger };
  /** The sample Plex and Docker engine, for the demo's `crash`. */
  plex: PlexFake;
  docker: DockerFake;
  close(): Promise<void>;
}> {
  const library = generateLibrary({ artists: 40, albumsPerArtist: [2, 6], tracksPerAlbum: [4, 12], seed: 1 });
  addSampleJazz(library);
  addMilesDavisAlbums(library);
  const users = withDemoNames(sampleUsers());
  // The year up to now, so "this week" and "this month" in top lists and the digest have plays.
  const startTime = Math.floor(Date.now() / 1000) - 366 * 86_400;
  const alex = users.filter((u) => u.friendlyName === 'Alex');
  const miles = library.artists.find((a) => a.title === 'Miles Davis')?.ratingKey as string;
  const history = mergeHistories(
    generateHistory(library, users, {
      playsPerUser: users.map((u) => (u.friendlyName === 'Alex' ? 3000 : 800)),
      startTime,
    }),
    // Alex is a Miles Davis fan: more than a page of his albums in progress, so completion pages.
    generateHistory(library, alex, { artistKeys: [miles], playsPerUser: 120, startTime, seed: 20 }),
  );
  const dataDir = mkdtempSync(join(tmpdir(), `autoalex-${name}-`));
  // Every track plays as the same 8 s of four test tones, one per stem: what the stand-in separator can split.
  const tones = join(dataDir, 'tones.flac');
  await synthStemTrack(tones, 8);
  const audio = readFileSync(tones);
  const plex = await startPlexFake(library, { partData: () => audio });
  const tautulli = await startTautulliFake(FAKE_TAUTULLI_API_KEY, {
    history,
    users: withDemoNames(tautulliUsers(users)),
  });
  tautulli.activity = withDemoNames(sampleActivity()) as typeof tautulli.activity;
  const [musicbrainz, discogs, docker] = await Promise.all([
    startMusicBrainzFake(),
    startDiscogsFake(),
    startDockerFake(),
  ]);
  const config = loadConfig(
    {
      PLEX_URL: plex.url,
      PLEX_TOKEN: plex.token,
      TAUTULLI_URL: tautulli.url,
      TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
      MUSICBRAINZ_URL: musicbrainz.url,
      // A local server: no need to wait a second between lookups as musicbrainz.org requires.
      MUSICBRAINZ_RATE_LIMIT: 'off',
      DISCOGS_URL: discogs.url,
      DOCKER_HOST: `unix://${docker.socketPath}`,
      // Where the monitor would post; the demo prints its alerts instead (`crash`).
      DISCORD_ALERT_CHANNEL_ID: '100000000000000001',
      DATA_DIR: dataDir,
      // The stand-in separator: Demucs's command line and progress, but it "separates" the test tones only.
      DEMUCS_COMMAND: `"${process.execPath}" "${DEMO_SEPARATOR}"`,
      LOG_LEVEL: 'warn',
    },
    'cli',
  );
  const logger = createLogger({
    level: 'warn',
    secrets: config.secrets,
    destination: pino.destination({ dest: 2, sync: true }),
  });
  const services = createServices(config, logger);
  await services.history.sync();
  return {
    deps: { config, services, logger },
    plex,
    docker,
    async close() {
      services.close();
      await Promise.all([
        tautulli.close(),
        plex.close(),
        musicbrainz.close(),
        discogs.close(),
        docker.close(),
      ]);
    },
  };
}
