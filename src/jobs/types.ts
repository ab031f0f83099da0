import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Reply } from '../reply.ts';
import type { Services } from '../services/index.ts';

export interface JobContext {
  config: Config;
  services: Services;
  logger: Logger;
  /** Posts to a Discord channel, optionally replying to a message; resolves to the message id or null. */
  notify(channelId: string, reply: Reply, replyTo?: string): Promise<string | null>;
}

/** A scheduled task. `run` is a plain async function, so tests call it directly without croner. */
export interface Job {
  name: string;
  /**
   * Cron pattern (croner syntax, seconds optional), or `{ everySeconds }` for intervals cron cannot say,
   * or null when the job is switched off by config.
   */
  pattern(config: Config): string | { everySeconds: number } | null;
  run(ctx: JobContext): Promise<void>;
}
