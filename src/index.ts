import { sendToChannel } from './bot/channel.ts';
import { startBot } from './bot/index.ts';
import { ConfigError, loadConfig } from './config.ts';
import { loadDotEnv } from './env-file.ts';
import { createLogger } from './logger.ts';
import { startJobs } from './jobs/index.ts';
import { createServices } from './services/index.ts';

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
  const bot = await startBot({ config, services, logger }).catch((error: unknown) => {
    logger.fatal({ err: error }, 'could not connect to Discord (is DISCORD_TOKEN right?)');
    process.exit(1);
  });
  const stopJobs = startJobs({
    config,
    services,
    logger,
    notify: (channelId, reply) => sendToChannel(bot.client, channelId, reply, logger),
  });
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    stopJobs();
    await bot.stop();
    services.close();
    logger.flush();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

await main();
