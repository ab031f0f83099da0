import { sendToChannel } from './bot/channel.ts';
import { createDiscordActions } from './bot/discord-actions.ts';
import { startHeartbeat } from './bot/heartbeat.ts';
import { startBot } from './bot/index.ts';
import { ConfigError, loadConfig } from './config.ts';
import { loadDotEnv } from './env-file.ts';
import { createLogger } from './logger.ts';
import { JOBS, startJobs } from './jobs/index.ts';
import { createNowPlayingBoard } from './jobs/now-playing-board.ts';
import { createServices } from './services/index.ts';
import { logUpstreamChecks } from './services/upstream-checks.ts';
import { discordLoginProblem } from './bot/login-error.ts';

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
  // The autocomplete index builds in the background; library commands wait for the first build.
  if (config.plex.url) void services.library.refresh().catch(() => undefined);
  void logUpstreamChecks(services.upstreamChecks, logger);
  const bot = await startBot({ config, services, logger }).catch((error: unknown) => {
    logger.fatal({ err: error }, discordLoginProblem(error, config.discord.apiUrl));
    logger.flush();
    process.exit(1);
  });
  // DATA_DIR/heartbeat tells the Docker HEALTHCHECK (src/healthcheck.ts) whether Discord is connected.
  const heartbeat = startHeartbeat(bot.client, config.dataDir, logger);
  const board = createNowPlayingBoard();
  const stopJobs = startJobs(
    {
      config,
      services,
      logger,
      notify: (channelId, reply) => sendToChannel(bot.client, channelId, reply, logger),
      discord: createDiscordActions(bot.client, logger),
    },
    [...JOBS, board],
  );
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    stopJobs();
    await board.stop();
    heartbeat.stop();
    await bot.stop();
    services.close();
    logger.flush();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

await main();
