import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Reply } from '../reply.ts';
import type { Services } from '../services/index.ts';

/** `user` is a Discord member: a picker in slash commands, a mention or id in text. */
export type OptionType = 'string' | 'integer' | 'number' | 'boolean' | 'user';

/** One option of a subcommand; the slash definition, the prefix parser and the CLI all read it. */
export interface CommandOption {
  name: string;
  description: string;
  type: OptionType;
  required?: boolean;
  autocomplete?: boolean;
  choices?: ReadonlyArray<{ name: string; value: string | number }>;
  minValue?: number;
  maxValue?: number;
  maxLength?: number;
}

export type CommandArgs = Record<string, string | number | boolean | undefined>;

/** Who asked, as every transport can tell it. */
export interface Caller {
  id: string;
  name: string;
  isAdmin: boolean;
}

export type Transport = 'slash' | 'prefix' | 'cli' | 'component';

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

/** A `/alex` subcommand. Definitions are inert: no config, no I/O at import time. */
export interface Command {
  name: string;
  description: string;
  options: readonly CommandOption[];
  /** Only admins may run it (Manage Server or ADMIN_ROLE_ID); checked by the adapters before `run`. */
  adminOnly?: boolean;
  /** Calls an upstream: slash adapters defer at once so Discord's 3-second window is never missed. */
  defer?: boolean;
  /** Slash replies only the caller sees. */
  ephemeral?: boolean;
  /** Shown by `/alex help`. */
  examples: readonly string[];
  run(args: CommandArgs, ctx: CommandContext): Promise<Reply>;
  complete?(option: string, text: string, args: CommandArgs, ctx: CommandContext): Promise<Choice[]>;
}

export const DEFAULT_ATTACHMENT_LIMIT_BYTES = 10 * 1024 * 1024;
