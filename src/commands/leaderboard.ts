import { leaderboardFor } from '../components/leaderboard.ts';
import { libraryChoices, periodChoices } from '../lookup/choices.ts';
import { ARTIST_OPTION, PERIOD_OPTION } from './options.ts';
import type { Command } from './types.ts';

/** `/alex leaderboard artist`: every user's completion of one artist, ranked, with the crown holder. */
export const leaderboard: Command = {
  name: 'leaderboard',
  description: 'Who has heard the most of an artist on this server: everyone ranked, one crown',
  options: [ARTIST_OPTION, PERIOD_OPTION],
  examples: [
    '/alex leaderboard artist:Skrillex',
    '!alex leaderboard Skrillex',
    '/alex leaderboard artist:Skrillex period:month',
  ],
  run: (args, ctx) =>
    leaderboardFor(String(args.artist), ctx, args.period === undefined ? undefined : String(args.period)),
  async complete(option, text, _args, ctx) {
    if (option === 'period') return periodChoices(text);
    return option === 'artist' ? libraryChoices('artist', text, ctx) : [];
  },
};
