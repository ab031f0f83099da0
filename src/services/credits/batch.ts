import { quoteTyped } from '../../markdown.ts';
import { UpstreamError, UserFacingError, toUserMessage } from '../../errors.ts';
import { applyEnrichment, CreditSourcesFailed, planEnrichment } from './enrichment.ts';
import type { EnrichMode } from './enrichment.ts';
import { chosenMusicSections, PLEX_TYPE } from '../plex/client.ts';
import type { PlexItem } from '../plex/client.ts';
import type { Services } from '../index.ts';

/**
 * `/alex enrich_library`: enrich every album (or every album of a genre) in turn, within the metadata rate
 * limits, skipping albums already enriched unless forced, and report each outcome.
 */

export type BatchOutcome = 'enriched' | 'would enrich' | 'no credits' | 'not found' | 'failed' | 'skipped';

export interface BatchRow {
  albumKey: string;
  artist: string;
  album: string;
  outcome: BatchOutcome;
  detail: string;
  /** Where the credits came from; '' when none were found. */
  source: 'musicbrainz' | 'discogs' | '';
  /** Set when MusicBrainz failed and the credits came from Discogs instead. */
  fellBack?: boolean;
}

export interface BatchOptions {
  genre?: string;
  dryRun: boolean;
  force: boolean;
  mode: EnrichMode;
  by: string;
  /**
   * MusicBrainz requests per second for the first ETA, before albums are timed (null = unthrottled mirror);
   * by default the rate the MusicBrainz client keeps to.
   */
  ratePerSecond?: number | null;
  onProgress(done: number, total: number, etaSeconds: number | null): void;
}

/** MusicBrainz calls per album: a Guid or search lookup, then the release with its relations. */
const REQUESTS_PER_ALBUM = 2.5;

async function albumsToEnrich(services: Services, genre: string | undefined): Promise<PlexItem[]> {
  const albums: PlexItem[] = [];
  const wanted = genre?.trim().toLowerCase();
  for (const section of await chosenMusicSections(services.plex, services.library.sections)) {
    const sectionAlbums = await services.plex.listSection(section.id, PLEX_TYPE.album);
    if (!wanted) {
      albums.push(...sectionAlbums);
      continue;
    }
    // Plex tags genres on artists more often than on albums: either counts.
    const artists = await services.plex.listSection(section.id, PLEX_TYPE.artist);
    const artistGenres = new Map(artists.map((a) => [a.ratingKey, a.Genre.map((g) => g.toLowerCase())]));
    albums.push(
      ...sectionAlbums.filter(
        (a) =>
          a.Genre.some((g) => g.toLowerCase() === wanted) ||
          artistGenres.get(a.parentRatingKey ?? '')?.includes(wanted),
      ),
    );
  }
  return albums;
}

/** MusicBrainz and Discogs both down (or the one named source): a failure that repeats for every album. */
function isOutage(error: unknown): boolean {
  const down = (e: unknown) =>
    e instanceof UpstreamError && (e.kind === 'unreachable' || e.kind === 'timeout');
  // One source down while the other answers is no outage: the run goes on with the other.
  return error instanceof CreditSourcesFailed
    ? error.causes.length > 1 && error.causes.every(down)
    : down(error);
}

function classify(error: unknown): { outcome: BatchOutcome; detail: string } {
  const text = toUserMessage(error).text;
  if (error instanceof UserFacingError && !(error instanceof CreditSourcesFailed)) {
    return {
      outcome: /no performers/.test(text) ? 'no credits' : /no release/.test(text) ? 'not found' : 'failed',
      detail: text,
    };
  }
  return { outcome: 'failed', detail: text };
}

export async function enrichLibrary(services: Services, options: BatchOptions): Promise<BatchRow[]> {
  const albums = await albumsToEnrich(services, options.genre);
  if (albums.length === 0) {
    throw new UserFacingError(
      options.genre
        ? `No album or artist in the music library has the genre “${quoteTyped(options.genre)}”.`
        : 'The music library has no albums.',
    );
  }
  const rows: BatchRow[] = [];
  const started = Date.now();
  let worked = 0;
  let unreachableInARow = 0;
  for (const [i, album] of albums.entries()) {
    const row = { albumKey: album.ratingKey, artist: album.parentTitle ?? '', album: album.title };
    if (!options.force && services.store.getEnrichment(album.ratingKey)) {
      rows.push({ ...row, outcome: 'skipped', detail: 'already enriched (use force to redo)', source: '' });
    } else {
      worked++;
      try {
        const plan = await planEnrichment(services, album.ratingKey, options.mode);
        if (!options.dryRun) await applyEnrichment(services, plan, options.by);
        rows.push({
          ...row,
          outcome: options.dryRun ? 'would enrich' : 'enriched',
          detail: `${plan.fallback ? `${plan.fallback}; ` : ''}${plan.releaseId}: ${plan.credits}`,
          source: plan.source,
          ...(plan.fallback ? { fellBack: true } : {}),
        });
        unreachableInARow = 0;
      } catch (error) {
        rows.push({ ...row, ...classify(error), source: '' });
        unreachableInARow = isOutage(error) ? unreachableInARow + 1 : 0;
        // Three outages in a row (with auto, of both sources): stop instead of failing every remaining album.
        if (unreachableInARow >= 3) throw error;
      }
    }
    const remaining = albums.length - i - 1;
    const measured = worked > 0 ? (Date.now() - started) / 1000 / worked : null;
    const rate =
      options.ratePerSecond === undefined ? services.musicbrainz.ratePerSecond : options.ratePerSecond;
    const firstGuess = rate ? REQUESTS_PER_ALBUM / rate : null;
    const perAlbum = worked >= 3 ? measured : (firstGuess ?? measured);
    options.onProgress(i + 1, albums.length, perAlbum === null ? null : Math.round(perAlbum * remaining));
  }
  return rows;
}

/**
 * A cell a spreadsheet would run as a formula (= + - @, or tab/CR that some treat the same) gets a leading
 * apostrophe (OWASP "CSV injection"): album and artist titles come from the library, not from us.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** The report as CSV (RFC 4180 quoting, formulas neutralised), for the attachment. */
export function batchCsv(rows: readonly BatchRow[]): string {
  const quote = (raw: string) => {
    const value = FORMULA_START.test(raw) ? `'${raw}` : raw;
    return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  };
  const lines = rows.map((r) =>
    [r.albumKey, r.artist, r.album, r.outcome, r.detail, r.source].map(quote).join(','),
  );
  return `album_key,artist,album,outcome,detail,source\r\n${lines.join('\r\n')}\r\n`;
}
