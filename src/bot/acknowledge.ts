import { errorCode } from '../errors.ts';
import type { ChatInputCommandInteraction, MessageComponentInteraction } from 'discord.js';

/** "Interaction has already been acknowledged." */
const ALREADY_ACKNOWLEDGED = 40060;

/**
 * Sends an interaction's acknowledgement (a deferral or the reply itself). Discord may process one whose
 * answer never reaches the bot (a timeout, a reset connection); discord.js then retries it, and Discord
 * answers 40060. That means it was done: carry on as acknowledged, so the answer edits the "thinking…"
 * message instead of leaving it there forever. Returns undefined when the answer was lost.
 */
export async function acknowledge<T>(
  interaction: ChatInputCommandInteraction | MessageComponentInteraction,
  how: 'deferred' | 'replied',
  send: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await send();
  } catch (error) {
    if (errorCode(error) !== ALREADY_ACKNOWLEDGED) throw error;
    interaction[how] = true;
    return undefined;
  }
}
