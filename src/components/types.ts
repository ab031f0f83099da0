import type { CommandContext } from '../context.ts';
import type { Reply } from '../reply.ts';

/**
 * `update` edits the message that carries the component; `reply` answers with a new message; `done` means
 * the press needs no answer of its own (another flow edits the message, e.g. a cancelled remix).
 */
export type ComponentResult = { update: Reply } | { reply: Reply } | { done: true };

export interface ComponentInput {
  action: string;
  args: string[];
  /** Chosen values of a select menu; empty for buttons. */
  values: string[];
}

/** Owns one custom_id namespace: builds its components and handles presses on them. */
export interface ComponentHandler {
  namespace: string;
  /**
   * Actions only admins may press, and the answer everyone else gets: the router checks it on every
   * press, before the handler runs.
   */
  adminOnly?: { actions: readonly string[] | 'every'; refusal: string };
  handle(input: ComponentInput, ctx: CommandContext): Promise<ComponentResult>;
}

export const EXPIRED_TEXT = 'This button or menu has expired. Run the command again to get a fresh one.';

/** The answer for ids that no longer mean anything (old messages, renamed actions). */
export const EXPIRED_REPLY: Reply = { content: EXPIRED_TEXT, ephemeral: true };
