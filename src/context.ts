import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Reply } from './reply.ts';
import type { Services } from './services/index.ts';

/** Option values by name, as any transport parsed them. */
export type CommandArgs = Record<string, string | number | boolean | undefined>;

/** Who asked, as every transport can tell it. */
export interface Caller {
  id: string;
  name: string;
  isAdmin: boolean;
}

export type Transport = 'slash' | 'prefix' | 'cli' | 'component';

/** What every command, component and lookup receives: the services, who asked and how. */
export interface CommandContext {
  services: Services;
  config: Config;
  logger: Logger;
  caller: Caller;
  transport: Transport;
  /** How the command was called ('/alex', '!alex', '!plex', 'cli'): replies and defaults may depend on it. */
  invokedAs: string;
  /** Largest upload this reply may carry, in bytes (the interaction's attachment_size_limit). */
  attachmentSizeLimit: number;
  /**
   * Reports progress of long work; the adapter throttles it into message edits. A Reply can carry
   * components (a Cancel button); a string replaces only the text.
   */
  progress: (update: string | Reply) => void;
}

export interface Choice {
  name: string;
  value: string;
}

export const DEFAULT_ATTACHMENT_LIMIT_BYTES = 10 * 1024 * 1024;
