import { loadConfig } from '../../src/config.ts';
import type { Config } from '../../src/config.ts';
import { startBot } from '../../src/bot/index.ts';
import type { Bot } from '../../src/bot/index.ts';
import type { RestOverrides } from '../../src/bot/client.ts';
import { createServices } from '../../src/services/index.ts';
import { startFakeDiscord } from '../../fakes/discord/index.ts';
import type { FakeDiscord, FakeDiscordOptions } from '../../fakes/discord/index.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../../fakes/tautulli.ts';
import type { TautulliFake } from '../../fakes/tautulli.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Services } from '../../src/services/index.ts';
import type { HistoryRow, Library } from '../../fakes/library.ts';
import { plexContainer, startDockerFake } from '../../fakes/docker.ts';
import type { DockerFake } from '../../fakes/docker.ts';
import { FAKE_DISCOGS_TOKEN, startDiscogsFake } from '../../fakes/discogs.ts';
import type { DiscogsFake } from '../../fakes/discogs.ts';
import { startMusicBrainzFake } from '../../fakes/musicbrainz.ts';
import type { MusicBrainzFake } from '../../fakes/musicbrainz.ts';
import { startPlexFake } from '../../fakes/plex.ts';
import type { PlexFake, PlexFakeOptions } from '../../fakes/plex.ts';
import { captureLogger } from './logs.ts';

export const ADMIN_ROLE_ID = '990000000000000001';

export interface Harness {
  discord: FakeDiscord;
  tautulli: TautulliFake;
  /** Present when the harness was given a library. */
  plex: PlexFake | undefined;
  /** Present when the harness was asked for Docker. */
  docker: DockerFake | undefined;
  /** Present when the harness was asked for MusicBrainz. */
  musicbrainz: MusicBrainzFake | undefined;
  /** Present when the harness was asked for Discogs. */
  discogs: DiscogsFake | undefined;
  services: Services;
  bot: Bot;
  config: Config;
  logs: () => string;
  stop(): Promise<void>;
}

/**
 * The real bot (real discord.js client, real services) wired to a fake Discord and a fake Tautulli.
 * `env` adds or overrides settings; the fakes' URLs and credentials are filled in.
 */
export async function startHarness(
  options: {
    env?: Record<string, string>;
    discord?: FakeDiscordOptions;
    library?: Library;
    history?: HistoryRow[];
    /** Start a Docker engine fake with the Plex container, and point DOCKER_HOST and the alert channel at it. */
    docker?: boolean;
    /** Start a MusicBrainz fake and point MUSICBRAINZ_URL at it (unthrottled: it is not the public server). */
    musicbrainz?: boolean;
    /** Start a Discogs fake and point DISCOGS_URL (with a token) at it. */
    discogs?: boolean;
    /** What the Plex fake serves as a track's media file (default: a few bytes). */
    partData?: PlexFakeOptions['partData'];
    /** discord.js REST options over the tests' defaults (no retries, 5 s timeout), e.g. production's retries. */
    rest?: RestOverrides;
  } = {},
): Promise<Harness> {
  const discord = await startFakeDiscord({ adminRoleId: ADMIN_ROLE_ID, ...options.discord });
  const tautulli = await startTautulliFake(FAKE_TAUTULLI_API_KEY, { history: options.history });
  const plex = options.library
    ? await startPlexFake(options.library, { partData: options.partData })
    : undefined;
  const docker = options.docker ? await startDockerFake({ containers: [plexContainer()] }) : undefined;
  const musicbrainz = options.musicbrainz ? await startMusicBrainzFake() : undefined;
  const discogs = options.discogs ? await startDiscogsFake() : undefined;
  const config = loadConfig({
    ...(musicbrainz ? { MUSICBRAINZ_URL: musicbrainz.url, MUSICBRAINZ_RATE_LIMIT: 'off' } : {}),
    ...(discogs ? { DISCOGS_URL: discogs.url, DISCOGS_TOKEN: FAKE_DISCOGS_TOKEN } : {}),
    ...(plex ? { PLEX_URL: plex.url, PLEX_TOKEN: plex.token } : {}),
    ...(docker
      ? { DOCKER_HOST: `unix://${docker.socketPath}`, DISCORD_ALERT_CHANNEL_ID: discord.alertChannelId }
      : {}),
    DISCORD_TOKEN: discord.token,
    DISCORD_CLIENT_ID: discord.applicationId,
    DISCORD_API_URL: discord.restApi,
    ADMIN_ROLE_ID: ADMIN_ROLE_ID,
    TAUTULLI_URL: tautulli.url,
    TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
    UPSTREAM_TIMEOUT: '2',
    // Children (Demucs, ffmpeg) get PATH and HOME from the bot's environment, as in production.
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'autoalex-test-')),
    ...options.env,
  });
  const { logger, text } = captureLogger(config.secrets, 'debug');
  const services = createServices(config, logger);
  const bot = await startBot(
    { config, services, logger, now: discord.now },
    { rest: { globalRequestsPerSecond: Infinity, retries: 0, timeout: 5000, ...options.rest } },
  );
  return {
    discord,
    tautulli,
    plex,
    docker,
    musicbrainz,
    discogs,
    services,
    bot,
    config,
    logs: text,
    async stop() {
      // As src/index.ts shuts down: remixes end first, then answers in flight, then Discord.
      services.remix.close();
      await bot.stop();
      services.close();
      await discord.stop();
      await tautulli.close();
      await plex?.close();
      await docker?.close();
      await musicbrainz?.close();
      await discogs?.close();
    },
  };
}
