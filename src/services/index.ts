import { join } from 'node:path';
import type { Config } from '../config.ts';
import { errorCode, UserFacingError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { createLibraryIndex } from './library/library-index.ts';
import type { LibraryIndex } from './library/library-index.ts';
import { createPlexService } from './plex/client.ts';
import type { PlexService } from './plex/client.ts';
import { createDockerService } from './health/docker.ts';
import type { DockerService } from './health/docker.ts';
import { createDiscogsService } from './credits/discogs.ts';
import type { DiscogsService } from './credits/discogs.ts';
import { createCoverService, NO_COVERS } from './plex/covers.ts';
import type { CoverService } from './plex/covers.ts';
import { createHistoryMirror } from './listening/mirror.ts';
import type { HistoryMirror } from './listening/mirror.ts';
import { createMonitor } from './health/monitor.ts';
import { createMusicBrainzService } from './credits/musicbrainz.ts';
import type { MusicBrainzService } from './credits/musicbrainz.ts';
import { VERSION } from '../version.ts';
import type { Monitor } from './health/monitor.ts';
import { createPlaylistSync } from './playlist-sync.ts';
import type { PlaylistSync } from './playlist-sync.ts';
import { createFfmpeg, resolveFfmpeg } from './remix/ffmpeg.ts';
import { createRemixService } from './remix/index.ts';
import { startRemixWorker } from './remix/worker.ts';
import type { RemixWorker } from './remix/worker.ts';
import type { RemixService } from './remix/index.ts';
import { openStore } from './store/index.ts';
import { StoreUnavailableError } from './store/problem.ts';
import type { Store } from './store/index.ts';
import { createTautulliService } from './tautulli/client.ts';
import type { TautulliService } from './tautulli/client.ts';
import { createUserDirectory } from './tautulli/user-directory.ts';
import type { UserDirectory } from './tautulli/user-directory.ts';
import { dockerCheck, plexCheck, tautulliCheck } from './upstream-checks.ts';
import type { UpstreamCheck } from './upstream-checks.ts';

/** Every upstream client and local resource the commands use; built once from validated config. */
export interface Services {
  tautulli: TautulliService;
  plex: PlexService;
  /** Album and artist art for the image cards (Plex's photo transcoder, cached). */
  covers: CoverService;
  library: LibraryIndex;
  users: UserDirectory;
  /** The local mirror of Tautulli's music history: every listening stat is a local query once it is filled. */
  history: HistoryMirror;
  playlistSync: PlaylistSync;
  docker: DockerService;
  monitor: Monitor;
  musicbrainz: MusicBrainzService;
  discogs: DiscogsService;
  remix: RemixService;
  store: Store;
  /** What the bot checks and logs at start-up, one line per configured upstream. */
  upstreamChecks: UpstreamCheck[];
  close(): void;
}

/** A stand-in whose every method answers "not configured", so one missing upstream never stops the rest. */
function unconfigured<T extends object>(what: string, keys: string): T {
  return new Proxy({} as T, {
    get: () => async () => {
      throw new UserFacingError(`${what} is not configured on this bot: an admin needs to set ${keys}.`);
    },
  });
}

/** Opens the database on first use, so commands that never need it (and the CLI) work without DATA_DIR. */
function lazyStore(dataDir: string, logger: Logger): Store {
  let store: Store | undefined;
  const open = (): Store => {
    if (store) return store;
    try {
      return (store = openStore(dataDir));
    } catch (error) {
      logger.error({ err: error, dataDir }, 'cannot open the database');
      const code = errorCode(error);
      throw new StoreUnavailableError(typeof code === 'string' ? code : undefined);
    }
  };
  return new Proxy({} as Store, {
    get: (_target, method: keyof Store) =>
      method === 'close'
        ? () => store?.close()
        : (...args: unknown[]) => (open()[method] as (...a: unknown[]) => unknown)(...args),
  });
}

/** The composition root: the only place that turns config into clients. */
export function createServices(config: Config, logger: Logger): Services {
  const timeoutMs = config.upstreamTimeoutMs;
  const { url: tautulliUrl, apiKey } = config.tautulli;
  const tautulli =
    tautulliUrl && apiKey
      ? createTautulliService({ baseUrl: tautulliUrl, apiKey, timeoutMs, logger })
      : unconfigured<TautulliService>('Tautulli', 'TAUTULLI_URL and TAUTULLI_API_KEY');
  const { url: plexUrl, token } = config.plex;
  const plex =
    plexUrl && token
      ? createPlexService({ baseUrl: plexUrl, token, timeoutMs, logger })
      : unconfigured<PlexService>('Plex', 'PLEX_URL and PLEX_TOKEN');
  // Cards are a nicety: without Plex every cover is a placeholder rather than an error.
  const covers =
    plexUrl && token ? createCoverService({ baseUrl: plexUrl, token, timeoutMs, logger }) : NO_COVERS;
  const library = createLibraryIndex({ plex, logger, sections: config.plex.musicSections });
  const store = lazyStore(config.dataDir, logger);
  const users = createUserDirectory(tautulli, logger);
  const history = createHistoryMirror({ tautulli, store, logger, timeZone: config.timeZone });
  const playlistSync = createPlaylistSync({ plex, store, sections: config.plex.musicSections, logger });
  const docker = createDockerService({
    dockerHost: config.monitor.dockerHost,
    timeoutMs,
    logger,
    secrets: config.secrets,
  });
  const monitor = createMonitor({
    store,
    failureThreshold: config.monitor.failureThreshold,
    reminderMinutes: config.monitor.reminderMinutes,
    plexUrl: config.plex.url,
    probeTimeoutMs: config.monitor.pollTimeoutMs,
    // A failed alert post is tried again at the next check, then less and less often.
    retryBaseMs: config.monitor.pollIntervalS * 1000,
  });
  const musicbrainz = createMusicBrainzService({
    ...config.musicbrainz,
    appVersion: VERSION,
    timeoutMs,
    logger,
  });
  const discogs = createDiscogsService({
    url: config.discogs.url,
    token: config.discogs.token,
    userAgent: `${config.musicbrainz.appName}/${VERSION}`,
    timeoutMs,
    logger,
  });
  const remix = createRemixService({
    config: config.remix,
    dataDir: config.dataDir,
    plex,
    logger,
    searchPath: config.searchPath,
    settings: store,
  });
  const upstreamChecks = [
    ...(tautulliUrl && apiKey ? [tautulliCheck(tautulliUrl, apiKey, timeoutMs)] : []),
    ...(plexUrl ? [plexCheck(plexUrl, token, timeoutMs)] : []),
    ...(plexUrl
      ? [dockerCheck(docker, config.monitor.dockerHost ?? '/var/run/docker.sock', config.plex.containerName)]
      : []),
  ];
  return {
    upstreamChecks,
    discogs,
    remix,
    tautulli,
    plex,
    covers,
    library,
    users,
    history,
    playlistSync,
    docker,
    monitor,
    musicbrainz,
    store,
    close: () => {
      remix.close();
      store.close();
    },
  };
}

/**
 * `autoalex worker`'s clients: its own Plex (PLEX_URL and PLEX_TOKEN of the worker's environment, never sent
 * in a job) and the queue. loadConfig's 'worker' mode has checked that all three are set.
 */
export function createWorkerServices(config: Config, logger: Logger): RemixWorker {
  const { url, token } = config.plex;
  const { remix } = config;
  if (!url || !token || !remix.queueUrl)
    throw new Error('a worker needs PLEX_URL, PLEX_TOKEN and REMIX_QUEUE_URL');
  const log = logger.child({ svc: 'remix-worker' });
  const plex = createPlexService({ baseUrl: url, token, timeoutMs: config.upstreamTimeoutMs, logger: log });
  const ffmpeg = createFfmpeg(resolveFfmpeg(remix.ffmpegPath), log, remix.childEnv);
  return startRemixWorker({
    url: remix.queueUrl,
    deps: {
      plex,
      ffmpeg: () => ffmpeg,
      demucs: { ...remix, command: remix.demucsCommand, logger: log, env: remix.childEnv },
      // Its own folder: a worker started with the bot's DATA_DIR must not sweep the bot's mixes away.
      workRoot: join(config.dataDir, 'cache', 'worker-work'),
      logger: log,
    },
    concurrency: remix.concurrency,
    lockMs: remix.workerLockMs,
    logger: log,
  });
}
