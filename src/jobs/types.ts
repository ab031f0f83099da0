import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Reply } from '../reply.ts';
import type { Services } from '../services/index.ts';

export interface JobContext {
  config: Config;
  services: Services;
  logger: Logger;
  /** Posts to a Discord channel (a no-op logger line when the bot is not connected, e.g. in the CLI). */
  notify(channelId: string, reply: Reply): Promise<void>;
}

/** A scheduled task. `run` is a plain async function, so tests call it directly without croner. */
export interface Job {
  name: string;
  /** Cron pattern (croner syntax, seconds optional), or null when the job is switched off by config. */
  pattern(config: Config): string | null;
  run(ctx: JobContext): Promise<void>;
}
