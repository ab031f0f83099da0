import { ButtonStyle } from 'discord.js';
import { UserFacingError } from '../errors.ts';
import { LIMITS } from '../reply.ts';
import { escapeMarkdown, truncate } from '../markdown.ts';
import type { Reply } from '../reply.ts';
import { applyEnrichment, planEnrichment } from '../services/credits/enrichment.ts';
import type { CreditSource, EnrichMode, EnrichmentPlan } from '../services/credits/enrichment.ts';
import { button, row } from './buttons.ts';
import { namespaceCodec } from './custom-id.ts';
import { EXPIRED_TEXT } from './types.ts';
import type { ComponentHandler } from './types.ts';

/** Mode and source travel as one-letter codes to keep ids short. */
const ids = namespaceCodec('enrich', {
  pick: ['mode', 'source'],
  apply: ['albumKey', 'mode', 'source'],
  cancel: [],
});
const MODE_CODE: Record<EnrichMode, string> = { append: 'a', prepend: 'p' };
const modeOf = (code: string | undefined): EnrichMode => (code === 'p' ? 'prepend' : 'append');
const SOURCE_CODE: Record<CreditSource, string> = { auto: 'a', musicbrainz: 'm', discogs: 'd' };
const sourceOf = (code: string | undefined): CreditSource =>
  code === 'm' ? 'musicbrainz' : code === 'd' ? 'discogs' : 'auto';

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
            value: `${plan.fallback ? `${plan.fallback}; credits from ` : ''}${where} (${plan.via === 'guid' ? "from the album's MusicBrainz id" : 'found by search'})`,
          },
        ],
        footer: { text: 'Apply writes this into Plex and locks the summary; undo restores the original.' },
      },
    ],
    components: [
      row(
        button(
          'Apply',
          ids.encode('apply', {
            albumKey: plan.albumKey,
            mode: MODE_CODE[mode],
            source: SOURCE_CODE[plan.source],
          }),
          ButtonStyle.Success,
        ),
        button('Cancel', ids.encode('cancel', {})),
      ),
    ],
  };
}

/** The menu for "several albums match" (values are album rating keys). */
export function albumPickCustomId(mode: EnrichMode, source: CreditSource): string {
  return ids.encode('pick', { mode: MODE_CODE[mode], source: SOURCE_CODE[source] });
}

export const enrichComponents: ComponentHandler = {
  namespace: ids.namespace,
  adminOnly: { actions: 'every', refusal: 'Only server admins can write album summaries.' },
  async handle(input, ctx) {
    switch (ids.actionOf(input)) {
      case 'pick': {
        const args = ids.decode(input, 'pick');
        const mode = modeOf(args?.mode);
        const plan = await planEnrichment(ctx.services, input.values[0] ?? '', mode, sourceOf(args?.source));
        return { update: previewReply(plan, mode) };
      }
      case 'apply': {
        // Planned again rather than trusting an old preview: the summary may have changed since.
        const args = ids.decode(input, 'apply');
        const mode = modeOf(args?.mode);
        const plan = await planEnrichment(ctx.services, args?.albumKey ?? '', mode, sourceOf(args?.source));
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
