import { remixFor } from '../components/remix/index.ts';
import { UserFacingError } from '../errors.ts';
import type { RemixMode } from '../services/remix/gain.ts';
import { parseStart } from '../services/remix/excerpt.ts';
import { isStem, REMIX_DB_BOUNDS, STEMS } from '../services/remix/stems.ts';
import type { Stem } from '../services/remix/stems.ts';
import { libraryChoices } from '../lookup/choices.ts';
import type { Command } from './types.ts';
import type { CommandArgs } from '../context.ts';

/** `!alex reduce drums Song Title` arrives as track "drums Song Title": take a leading stem word. */
function splitStem(args: CommandArgs): { text: string; stem: Stem | undefined } {
  const text = String(args.track ?? '').trim();
  if (args.stem !== undefined) {
    const stem = String(args.stem).toLowerCase();
    if (!isStem(stem)) throw new UserFacingError(`\`stem\` must be one of ${STEMS.join(', ')}.`);
    return { text, stem };
  }
  const [first = '', ...rest] = text.split(/\s+/);
  return isStem(first.toLowerCase()) && rest.length > 0
    ? { text: rest.join(' '), stem: first.toLowerCase() as Stem }
    : { text, stem: undefined };
}

/** `/alex boost` and `/alex reduce`: one stem of a Plex track turned up or down (Demucs + ffmpeg). */
export function remixCommand(mode: RemixMode): Command {
  const bounds = REMIX_DB_BOUNDS[mode];
  const boost = mode === 'boost';
  return {
    name: mode,
    description: boost
      ? 'Turn one part of a track up: vocals, drums, bass or other (AI stem separation)'
      : 'Turn one part of a track down or off, e.g. the vocals for karaoke (AI stem separation)',
    options: [
      {
        name: 'track',
        description: 'Track in the Plex library',
        type: 'string',
        required: true,
        autocomplete: true,
        maxLength: 200,
      },
      {
        name: 'stem',
        description: 'Which part (leave empty to choose from a menu)',
        type: 'string',
        choices: STEMS.map((stem) => ({ name: stem, value: stem })),
      },
      {
        name: 'db',
        description: boost
          ? `Decibels up, ${bounds.min} to ${bounds.max} (default 4)`
          : `Decibels down, ${Math.abs(bounds.max)} to ${Math.abs(bounds.min)} (default 60 = muted)`,
        type: 'number',
        minValue: bounds.min,
        maxValue: boost ? bounds.max : -bounds.min,
      },
      {
        name: 'start',
        description: 'Where the quick preview starts, e.g. 1:30 (default: the loudest part)',
        type: 'string',
        maxLength: 12,
      },
    ],
    examples: boost
      ? [
          '/alex boost track:Aerials stem:bass',
          '/alex boost track:Aerials stem:vocals db:6',
          '/alex boost track:Aerials stem:bass start:1:30',
          '!alex boost vocals B.Y.O.B.',
        ]
      : [
          '/alex reduce track:Chop Suey! stem:vocals',
          '/alex reduce track:Aerials',
          '!alex reduce drums B.Y.O.B.',
        ],
    async run(args, ctx) {
      const { text, stem } = splitStem(args);
      const startS = args.start === undefined ? undefined : parseStart(String(args.start));
      return remixFor(mode, text, stem, args.db === undefined ? undefined : Number(args.db), ctx, startS);
    },
    async complete(option, text, _args, ctx) {
      return option === 'track' ? libraryChoices('track', text, ctx) : [];
    },
  };
}
