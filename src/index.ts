import { startHeartbeat } from './bot/heartbeat.ts';
import { startBot } from './bot/index.ts';
import { registerCommands } from './bot/register.ts';
import { ConfigError, loadConfig } from './config.ts';
import { loadDotEnv } from './env-file.ts';
import { createLogger } from './logger.ts';
import { createJobContext } from './jobs/context.ts';
import { JOBS, startJobs } from './jobs/index.ts';
import { createNowPlayingBoard } from './jobs/now-playing-board.ts';
import { createServices } from './services/index.ts';
import { logUpstreamChecks } from './services/upstream-checks.ts';
import { discordLoginProblem } from './bot/login-error.ts';
import { runWorker } from './worker.ts';

/** Entry point: config → logger → services → Discord; stops cleanly on SIGTERM/SIGINT (docker stop). */
async function main(): Promise<void> {
  loadDotEnv();
  let config;
  try {
    config = loadConfig(process.env, 'bot');
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      console.error('See .env.example for every setting and its meaning.');
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, secrets: config.secrets });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  const services = createServices(config, logger);
  // Until Discord is connected there is nothing to wind down but the database: a `docker stop` during
  // start-up closes it and exits 0 instead of dying of the signal's default action.
  let shutdown: (signal: string) => unknown = (signal) => {
    logger.info({ signal }, 'shutting down before the start finished');
    services.close();
    logger.flush();
    process.exit(0);
  };
  // `on`, not `once`: execa's signal-exit re-raises a signal that has no other listener left, which killed
  // the bot in the middle of this shutdown while a Demucs or ffmpeg child was running (issue #15, item 9).
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // The autocomplete index builds in the background; library commands wait for the first build.
  if (config.plex.url) void services.library.refresh().catch(() => undefined);
  void logUpstreamChecks(services.upstreamChecks, logger);
  const bot = await startBot({ config, services, logger }).catch((error: unknown) => {
    logger.fatal({ err: error }, discordLoginProblem(error, config.discord.apiUrl));
    logger.flush();
    process.exit(1);
  });
  // In the background: the bot answers meanwhile, and a refusal only means the old definition stays.
  void registerCommands(bot.client, { config, store: services.store, logger }).catch((error: unknown) =>
    logger.warn(
      { err: error },
      'could not register /alex with Discord; `npm run deploy-commands` does it by hand',
    ),
  );
  // DATA_DIR/heartbeat tells the Docker HEALTHCHECK (src/healthcheck.ts) whether Discord is connected.
  const heartbeat = startHeartbeat(bot.client, config.dataDir, logger);
  const board = createNowPlayingBoard();
  const stopJobs = startJobs(createJobContext(bot.client, { config, services, logger }), [...JOBS, board]);
  let stopping = false;
  shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stopJobs();
    // Remixes end first, so their messages say "stopped: the bot restarted" while Discord is still connected.
    services.remix.close();
    await board.stop();
    heartbeat.stop();
    await bot.stop();
    services.close();
    logger.flush();
    process.exit(0);
  };
}

// `index.js worker`: the same image as a remix worker (README: "A GPU elsewhere").
await (process.argv[2] === 'worker' ? runWorker() : main());
