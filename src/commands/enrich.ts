import { albumPickCustomId, previewReply } from '../components/enrich.ts';
import { pickerReply } from '../components/picker.ts';
import { UserFacingError } from '../errors.ts';
import { escapeMarkdown, quoteTyped } from '../markdown.ts';
import { planEnrichment, undoEnrichment } from '../services/credits/enrichment.ts';
import type { CreditSource, EnrichMode } from '../services/credits/enrichment.ts';
import { READY_WAIT_MS } from '../services/library/library-index.ts';
import { libraryChoices } from '../lookup/choices.ts';
import { findEntry } from '../lookup/resolve.ts';
import type { Command } from './types.ts';

/** `/alex enrich album [mode] [undo]`: instrumentalist credits from MusicBrainz into the Plex album summary. */
export const enrich: Command = {
  name: 'enrich',
  description: 'Write who plays what (MusicBrainz credits) into an album summary (admins)',
  options: [
    {
      name: 'album',
      description: 'Album in the Plex library',
      type: 'string',
      required: true,
      autocomplete: true,
      maxLength: 200,
    },
    {
      name: 'mode',
      description: 'Where the credits go (default: after the summary)',
      type: 'string',
      choices: [
        { name: 'append', value: 'append' },
        { name: 'prepend', value: 'prepend' },
      ],
    },
    {
      name: 'source',
      description: 'Where credits come from (default: MusicBrainz, then Discogs)',
      type: 'string',
      choices: [
        { name: 'auto', value: 'auto' },
        { name: 'musicbrainz', value: 'musicbrainz' },
        { name: 'discogs', value: 'discogs' },
      ],
    },
    { name: 'undo', description: 'Restore the summary from before Autoalex wrote to it', type: 'boolean' },
  ],
  adminOnly: true,
  examples: [
    '/alex enrich album:A Love Supreme',
    '/alex enrich album:A Love Supreme undo:true',
    '!alex enrich Kind of Blue',
  ],
  async run(args, ctx) {
    const text = String(args.album);
    const mode: EnrichMode = args.mode === 'prepend' ? 'prepend' : 'append';
    const source: CreditSource =
      args.source === 'musicbrainz' || args.source === 'discogs' ? args.source : 'auto';
    await ctx.services.library.ready(READY_WAIT_MS);
    const found = /^\d+$/.test(text.trim()) ? { entry: { key: text.trim() } } : findEntry('album', text, ctx);
    if (!found) throw new UserFacingError(`No album matches “${quoteTyped(text)}” in the Plex library.`);
    if ('choices' in found) {
      return pickerReply(text, found.choices, albumPickCustomId(mode, source), 'album');
    }
    if (args.undo === true) {
      const title = await undoEnrichment(ctx.services, found.entry.key);
      return {
        content: `↩️ The summary of “${escapeMarkdown(title)}” is back to what it was before Autoalex.`,
      };
    }
    ctx.progress('Looking up credits…');
    return previewReply(await planEnrichment(ctx.services, found.entry.key, mode, source), mode);
  },
  async complete(option, text, _args, ctx) {
    return option === 'album' ? libraryChoices('album', text, ctx) : [];
  },
};
