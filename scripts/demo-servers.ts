import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import type { Config } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { Logger } from '../src/logger.ts';
import { createServices } from '../src/services/index.ts';
import type { Services } from '../src/services/index.ts';
import { generateHistory, generateLibrary, sampleUsers } from '../fakes/library.ts';
import { startPlexFake } from '../fakes/plex.ts';
import { sampleActivity } from '../fakes/tautulli-sessions.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';

/**
 * The sample servers of `npm run demo` (and the README's cards): Plex with a generated music library that
 * includes the fixture artists, Tautulli with sample streams and a year of play history, and Autoalex's
 * services pointed at them, as the terminal's owner.
 */
export async function startDemoServers(name: string): Promise<{
  deps: { config: Config; services: Services; logger: Logger };
  close(): Promise<void>;
}> {
  const library = generateLibrary({ artists: 40, albumsPerArtist: [2, 6], tracksPerAlbum: [4, 12], seed: 1 });
  const users = sampleUsers();
  const history = generateHistory(library, users, {
    playsPerUser: users.map((u) => (u.friendlyName === 'Alex' ? 3000 : 800)),
  });
  const plex = await startPlexFake(library);
  const tautulli = await startTautulliFake(FAKE_TAUTULLI_API_KEY, { history });
  tautulli.activity = sampleActivity() as typeof tautulli.activity;
  const config = loadConfig(
    {
      PLEX_URL: plex.url,
      PLEX_TOKEN: plex.token,
      TAUTULLI_URL: tautulli.url,
      TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
      DATA_DIR: mkdtempSync(join(tmpdir(), `autoalex-${name}-`)),
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
  return {
    deps: { config, services, logger },
    async close() {
      services.close();
      await Promise.all([tautulli.close(), plex.close()]);
    },
  };
}
