import { quoteTyped } from '../markdown.ts';
import { batchCsv, enrichLibrary } from '../services/credits/batch.ts';
import type { BatchOutcome } from '../services/credits/batch.ts';
import { formatDowntime } from '../views/monitor.ts';
import type { Command } from './types.ts';

const ORDER: BatchOutcome[] = ['enriched', 'would enrich', 'no credits', 'not found', 'failed', 'skipped'];

/** `/alex enrich_library [genre] [dry_run] [force]`: credits for every album (of a genre), with progress and a CSV. */
export const enrichLibraryCommand: Command = {
  name: 'enrich_library',
  description:
    'Add credits to every album, or every album of a genre (admins; slow: MusicBrainz allows 1 request/s)',
  options: [
    {
      name: 'genre',
      description: 'Only albums (or artists) with this genre, e.g. Jazz',
      type: 'string',
      maxLength: 100,
    },
    { name: 'dry_run', description: 'Find credits but write nothing', type: 'boolean' },
    { name: 'force', description: 'Redo albums already enriched', type: 'boolean' },
  ],
  adminOnly: true,
  examples: ['/alex enrich_library genre:Jazz', '/alex enrich_library genre:Jazz dry_run:true'],
  async run(args, ctx) {
    const genre = args.genre === undefined ? undefined : String(args.genre);
    const dryRun = args.dry_run === true;
    ctx.progress('Listing albums…');
    const rows = await enrichLibrary(ctx.services, {
      genre,
      dryRun,
      force: args.force === true,
      mode: 'append',
      by: ctx.caller.id,
      onProgress: (done, total, eta) =>
        ctx.progress(
          `Enriching albums: ${done}/${total}${eta === null ? '' : ` · about ${formatDowntime(eta * 1000)} left`}`,
        ),
    });
    const counts = ORDER.map(
      (outcome) => [outcome, rows.filter((r) => r.outcome === outcome).length] as const,
    ).filter(([, n]) => n > 0);
    const fellBack = rows.filter((r) => r.fellBack).length;
    const note = fellBack ? ` ${fellBack} from Discogs because MusicBrainz did not answer.` : '';
    return {
      content: `${dryRun ? 'Dry run finished' : 'Finished'}: ${counts.map(([outcome, n]) => `${n} ${outcome}`).join(', ')} (of ${rows.length} albums${genre ? ` with genre “${quoteTyped(genre)}”` : ''}).${note}`,
      files: [
        {
          name: `enrich-report${genre ? `-${genre.replace(/[^\w-]+/g, '_')}` : ''}.csv`,
          data: Buffer.from(batchCsv(rows)),
        },
      ],
    };
  },
};
