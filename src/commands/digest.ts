import { digestFor } from '../components/digest.ts';
import { periodChoices } from '../lookup/choices.ts';
import { PERIOD_OPTION } from './options.ts';
import type { Command } from './types.ts';

/** `/alex digest [period]`: top listeners, most-played albums, crowns and badges of a period. */
export const digest: Command = {
  name: 'digest',
  description: 'The listening digest: top listeners, albums, crowns and new badges of a period',
  options: [{ ...PERIOD_OPTION, description: 'week (default), month, year, all or a year like 2025' }],
  examples: ['/alex digest', '/alex digest period:month', '!alex digest 2025'],
  run: (args, ctx) => digestFor(args.period === undefined ? undefined : String(args.period), ctx),
  async complete(option, text) {
    return option === 'period' ? periodChoices(text) : [];
  },
};
