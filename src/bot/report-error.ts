import { MessageFlags } from 'discord.js';
import type { Interaction } from 'discord.js';
import { describeFailure } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { NO_MENTIONS } from './payload.ts';

export const ADMIN_ONLY_TEXT = 'Only server admins can do that (Manage Server permission or the admin role).';

/**
 * Answers a failed interaction with an ephemeral message, whatever state it is in (Skyra's three-way
 * rule): not acknowledged → reply; deferred slash reply → remove the public "thinking…" and follow up;
 * otherwise → follow up. A failure of the error reply itself is logged and swallowed.
 */
export async function reportError(interaction: Interaction, error: unknown, logger: Logger): Promise<void> {
  const content = describeFailure(
    error,
    logger.child({ interactionId: interaction.id, userId: interaction.user.id }),
  );
  if (!interaction.isRepliable()) return;
  const payload = { content, flags: MessageFlags.Ephemeral as const, allowedMentions: NO_MENTIONS };
  try {
    if (!interaction.deferred && !interaction.replied) {
      await interaction.reply(payload);
      return;
    }
    if (interaction.isChatInputCommand() && interaction.deferred && !interaction.replied) {
      await interaction.deleteReply().catch(() => undefined);
    }
    await interaction.followUp(payload);
  } catch (replyError) {
    logger.warn({ err: replyError, interactionId: interaction.id }, 'could not deliver the error reply');
  }
}
