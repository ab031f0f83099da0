import { TOP_KINDS, topFor } from '../components/top.ts';
import { libraryChoices, periodChoices, userChoices } from '../lookup/choices.ts';
import { PERIOD_OPTION } from './options.ts';
import type { Command } from './types.ts';

const text = (value: unknown) => (value === undefined ? undefined : String(value));

/** `/alex top [user] [period] [what] [artist]`: top lists from the local listening history. */
export const top: Command = {
  name: 'top',
  description: 'Top artists, albums or tracks of a user or the server, over a period',
  options: [
    {
      name: 'user',
      description: 'Plex user (default: you; "all" = everyone)',
      type: 'string',
      autocomplete: true,
      maxLength: 100,
    },
    PERIOD_OPTION,
    {
      name: 'what',
      description: 'artists (default), albums or tracks',
      type: 'string',
      choices: TOP_KINDS.map((kind) => ({ name: kind, value: kind })),
    },
    {
      name: 'artist',
      description: 'Who else listens to this artist (instead of a top list)',
      type: 'string',
      autocomplete: true,
      maxLength: 200,
    },
  ],
  examples: [
    '/alex top period:week',
    '/alex top user:all period:2025 what:albums',
    '/alex top artist:Skrillex',
    '!alex top what:tracks period:month',
  ],
  run: (args, ctx) =>
    topFor(
      { user: text(args.user), period: text(args.period), what: text(args.what), artist: text(args.artist) },
      ctx,
    ),
  async complete(option, typed, _args, ctx) {
    if (option === 'user') return userChoices(typed, ctx, true);
    if (option === 'period') return periodChoices(typed);
    if (option === 'artist') return libraryChoices('artist', typed, ctx);
    return [];
  },
};
