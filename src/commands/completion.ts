import { completionFor } from '../components/completion.ts';
import { libraryChoices, periodChoices, userChoices } from '../lookup/choices.ts';
import { ARTIST_OPTION, PERIOD_OPTION } from './options.ts';
import type { Command } from './types.ts';

/** `/alex completion artist [user]`: how much of an artist's catalogue someone has heard. */
export const completion: Command = {
  name: 'completion',
  description: "How much of an artist's collection on this server you (or someone) have listened to",
  options: [
    ARTIST_OPTION,
    {
      name: 'user',
      description: 'Plex user (default: you; "all" = everyone)',
      type: 'string',
      autocomplete: true,
      maxLength: 100,
    },
    PERIOD_OPTION,
  ],
  examples: [
    '/alex completion artist:Skrillex',
    '/alex completion artist:Skrillex user:all',
    '/alex completion artist:Skrillex period:2025',
    '!alex completion Skrillex',
  ],
  run: (args, ctx) =>
    completionFor(
      String(args.artist),
      args.user === undefined ? undefined : String(args.user),
      ctx,
      args.period === undefined ? undefined : String(args.period),
    ),
  async complete(option, text, _args, ctx) {
    if (option === 'artist') return libraryChoices('artist', text, ctx);
    if (option === 'user') return userChoices(text, ctx, true);
    if (option === 'period') return periodChoices(text);
    return [];
  },
};
