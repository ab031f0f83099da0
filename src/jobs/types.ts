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
  /** Keeping a message up to date and the bot's presence; absent where there is no Discord client. */
  discord?: DiscordActions;
}

/** What a job may do in Discord beyond posting; the discord.js side lives in src/bot/discord-actions.ts. */
export interface DiscordActions {
  /** Edits one of the bot's messages; false when it no longer exists (deleted: Discord code 10008). */
  edit(channelId: string, messageId: string, reply: Reply): Promise<boolean>;
  /** The bot's own recent messages in a channel, newest first. */
  ownRecentMessages(channelId: string, limit: number): Promise<Array<{ id: string; content: string }>>;
  /** The line under the bot's name ("3 streams"); null shows none. */
  setPresence(text: string | null): void;
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
  /**
   * How long one tick may take before the scheduler stops waiting for it (croner's `protect` skips every
   * tick while one is running, so a hung tick would silence the job). Null or absent: no limit (a big
   * library's rebuild or a history fill legitimately takes minutes, and each of their requests has its own).
   */
  deadlineMs?(config: Config): number | null;
  /** Runs once when the jobs start (catching up on a run missed while the bot was down). */
  startup?(ctx: JobContext): Promise<void>;
}
