import { compareFor } from '../components/compare.ts';
import { libraryChoices, periodChoices, userChoices } from '../lookup/choices.ts';
import { ARTIST_OPTION, PERIOD_OPTION } from './options.ts';
import type { Command } from './types.ts';

/** `/alex compare artist user_a [user_b]`: a listening battle; user_b defaults to the caller. */
export const compare: Command = {
  name: 'compare',
  description: 'Listening battle: two users, one artist',
  options: [
    ARTIST_OPTION,
    {
      name: 'user_a',
      description: 'Plex user',
      type: 'string',
      required: true,
      autocomplete: true,
      maxLength: 100,
    },
    {
      name: 'user_b',
      description: 'Plex user (default: you)',
      type: 'string',
      autocomplete: true,
      maxLength: 100,
    },
    PERIOD_OPTION,
  ],
  examples: ['/alex compare artist:Skrillex user_a:Sam', '!alex compare Skrillex user_a:Sam user_b:Alex'],
  run: (args, ctx) =>
    compareFor(
      String(args.artist),
      String(args.user_a),
      args.user_b === undefined ? undefined : String(args.user_b),
      ctx,
      args.period === undefined ? undefined : String(args.period),
    ),
  async complete(option, text, _args, ctx) {
    if (option === 'artist') return libraryChoices('artist', text, ctx);
    if (option === 'period') return periodChoices(text);
    return userChoices(text, ctx, false);
  },
};
