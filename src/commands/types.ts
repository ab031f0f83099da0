import type { Choice, CommandArgs, CommandContext } from '../context.ts';
import type { Reply } from '../reply.ts';

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

/** A `/alex` subcommand. Definitions are inert: no config, no I/O at import time. */
export interface Command {
  name: string;
  description: string;
  options: readonly CommandOption[];
  /** Only admins may run it (Manage Server or ADMIN_ROLE_ID); checked by the adapters before `run`. */
  adminOnly?: boolean;
  /**
   * Answers from memory alone, without an upstream or the disk, so it replies inside Discord's 3-second
   * window by itself. Every other command is deferred first: a slow Tautulli or a locked database must not
   * make Discord reject the answer (and an action it already took look failed).
   */
  instant?: true;
  /** Slash replies only the caller sees. */
  ephemeral?: boolean;
  /** Shown by `/alex help`. */
  examples: readonly string[];
  run(args: CommandArgs, ctx: CommandContext): Promise<Reply>;
  complete?(option: string, text: string, args: CommandArgs, ctx: CommandContext): Promise<Choice[]>;
}
