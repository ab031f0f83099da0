import { ButtonStyle, ComponentType } from 'discord.js';
import type { CommandContext } from '../commands/types.ts';
import { UserFacingError } from '../errors.ts';
import { escapeMarkdown, LIMITS, truncate } from '../reply.ts';
import type { Reply } from '../reply.ts';
import { applyEnrichment, planEnrichment } from '../services/credits/enrichment.ts';
import type { CreditSource, EnrichMode, EnrichmentPlan } from '../services/credits/enrichment.ts';
import { encodeCustomId } from './custom-id.ts';
import { EXPIRED_TEXT } from './types.ts';
import type { ComponentHandler } from './types.ts';

const NAMESPACE = 'enrich';
const MODE_CODE: Record<EnrichMode, string> = { append: 'a', prepend: 'p' };
const modeOf = (code: string | undefined): EnrichMode => (code === 'p' ? 'prepend' : 'append');
const SOURCE_CODE: Record<CreditSource, string> = { auto: 'a', musicbrainz: 'm', discogs: 'd' };
const sourceOf = (code: string | undefined): CreditSource =>
  code === 'm' ? 'musicbrainz' : code === 'd' ? 'discogs' : 'auto';

function requireAdmin(ctx: CommandContext): void {
  if (!ctx.caller.isAdmin) throw new UserFacingError('Only server admins can write album summaries.');
}

/** Preview: the credits and the new summary, with Apply and Cancel. Nothing is written yet. */
export function previewReply(plan: EnrichmentPlan, mode: EnrichMode): Reply {
  const [, id] = plan.releaseId.split(':');
  const where = plan.source === 'discogs' ? `Discogs release ${id}` : `MusicBrainz release ${id}`;
  return {
    embeds: [
      {
        title: truncate(`Credits for ${plan.albumTitle} — ${plan.artist}`, LIMITS.embedTitle),
        description: truncate(escapeMarkdown(plan.credits), LIMITS.embedDescription - 200),
        color: 0xe5a00d,
        fields: [
          {
            name: `New summary (${mode})`,
            value: truncate(escapeMarkdown(plan.newSummary), LIMITS.fieldValue),
          },
          {
            name: 'Source',
            value: `${where} (${plan.via === 'guid' ? "from the album's MusicBrainz id" : 'found by search'})`,
          },
        ],
        footer: { text: 'Apply writes this into Plex and locks the summary; undo restores the original.' },
      },
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Success,
            label: 'Apply',
            custom_id: encodeCustomId(
              NAMESPACE,
              'apply',
              plan.albumKey,
              MODE_CODE[mode],
              SOURCE_CODE[plan.source],
            ),
          },
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            label: 'Cancel',
            custom_id: encodeCustomId(NAMESPACE, 'cancel'),
          },
        ],
      },
    ],
  };
}

/** The menu for "several albums match" (values are album rating keys). */
export function albumPickCustomId(mode: EnrichMode, source: CreditSource): string {
  return encodeCustomId(NAMESPACE, 'pick', MODE_CODE[mode], SOURCE_CODE[source]);
}

export const enrichComponents: ComponentHandler = {
  namespace: NAMESPACE,
  async handle({ action, args, values }, ctx) {
    requireAdmin(ctx);
    switch (action) {
      case 'pick': {
        const mode = modeOf(args[0]);
        return {
          update: previewReply(
            await planEnrichment(ctx.services, values[0] ?? '', mode, sourceOf(args[1])),
            mode,
          ),
        };
      }
      case 'apply': {
        // Planned again rather than trusting an old preview: the summary may have changed since.
        const plan = await planEnrichment(ctx.services, args[0] ?? '', modeOf(args[1]), sourceOf(args[2]));
        await applyEnrichment(ctx.services, plan, ctx.caller.id);
        ctx.logger.info(
          { album: plan.albumKey, release: plan.releaseId, by: ctx.caller.id },
          'album summary enriched',
        );
        return {
          update: {
            content: `✅ Credits written to “${escapeMarkdown(plan.albumTitle)}” in Plex (summary locked). Undo with \`/alex enrich album:${plan.albumKey} undo:true\`.`,
            embeds: [],
            components: [],
          },
        };
      }
      case 'cancel':
        return { update: { content: 'Cancelled: nothing was written.', embeds: [], components: [] } };
      default:
        throw new UserFacingError(EXPIRED_TEXT);
    }
  },
};
