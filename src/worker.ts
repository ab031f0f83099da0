import { ConfigError, loadConfig } from './config.ts';
import { loadDotEnv } from './env-file.ts';
import { createLogger } from './logger.ts';
import { createWorkerServices } from './services/index.ts';

/**
 * `node dist/src/index.js worker` (compose: the `worker` service): a remix worker on this machine, taking
 * separations from REMIX_QUEUE_URL. It needs only the queue, Plex and Demucs: no Discord, no Tautulli.
 * SIGTERM (docker stop) stops Demucs and puts its running jobs back in the queue for another worker.
 */
export async function runWorker(): Promise<void> {
  loadDotEnv();
  let config;
  try {
    config = loadConfig(process.env, 'worker');
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      console.error(
        'A remix worker needs REMIX_QUEUE_URL, PLEX_URL and PLEX_TOKEN (README: "A GPU elsewhere").',
      );
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, secrets: config.secrets });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  const worker = createWorkerServices(config, logger);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'remix worker shutting down');
    await worker.close().catch((error: unknown) => logger.warn({ err: error }, 'worker close failed'));
    logger.flush();
    process.exit(0);
  };
  // `on`, as the bot does: execa's signal-exit must not re-raise the signal in the middle of this shutdown.
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  await worker.ready;
}
