import { UserFacingError } from '../errors.ts';
import { aggregate, formatCredits } from './credits.ts';
import type { MusicBrainzService } from './musicbrainz.ts';
import { musicBrainzId } from './plex.ts';
import type { PlexService } from './plex.ts';
import type { Store } from './store.ts';
import { withBlock } from './summary-block.ts';

/**
 * `/alex enrich`: find the album's MusicBrainz release (its `mbid://` Guid, else a search by artist and
 * title), aggregate the performer credits, and write them into a delimited block of the Plex summary.
 */

export type EnrichMode = 'append' | 'prepend';

export interface EnrichmentPlan {
  albumKey: string;
  sectionId: string;
  albumTitle: string;
  artist: string;
  releaseId: string;
  /** How the release was found. */
  via: 'guid' | 'search';
  credits: string;
  currentSummary: string;
  newSummary: string;
}

interface Deps {
  plex: PlexService;
  musicbrainz: MusicBrainzService;
  store: Store;
}

async function album(plex: PlexService, albumKey: string) {
  const item = await plex.metadata(albumKey);
  if (!item || (item.type && item.type !== 'album'))
    throw new UserFacingError('That is not an album in the Plex library.');
  if (!item.librarySectionID) throw new UserFacingError('Plex did not say which library this album is in.');
  return { item, sectionId: item.librarySectionID };
}

/** Everything the preview shows; nothing is written. */
export async function planEnrichment(
  deps: Deps,
  albumKey: string,
  mode: EnrichMode,
): Promise<EnrichmentPlan> {
  const { item, sectionId } = await album(deps.plex, albumKey);
  const artist = item.parentTitle ?? '';
  const mbid = musicBrainzId(item);
  let releaseId = mbid ? await deps.musicbrainz.resolveRelease(mbid) : null;
  const via = releaseId ? 'guid' : 'search';
  releaseId ??= await deps.musicbrainz.searchRelease(artist, item.title, item.leafCount);
  if (!releaseId) {
    throw new UserFacingError(
      `MusicBrainz has no release matching “${item.title}” by ${artist || 'an unknown artist'}. Nothing was written.`,
    );
  }
  const release = await deps.musicbrainz.releaseCredits(releaseId);
  const credits = release
    ? formatCredits(aggregate(release.performances, release.trackCount, release.leaders))
    : '';
  if (!credits) {
    throw new UserFacingError(`MusicBrainz lists no performers for “${item.title}”. Nothing was written.`);
  }
  const currentSummary = item.summary ?? '';
  return {
    albumKey,
    sectionId,
    albumTitle: item.title,
    artist,
    releaseId,
    via,
    credits,
    currentSummary,
    newSummary: withBlock(currentSummary, credits, mode),
  };
}

/** Writes the planned summary (locked) and remembers the original for undo. */
export async function applyEnrichment(deps: Deps, plan: EnrichmentPlan, by: string): Promise<void> {
  const previous = deps.store.getEnrichment(plan.albumKey);
  await deps.plex.editAlbumSummary(plan.sectionId, plan.albumKey, plan.newSummary);
  deps.store.saveEnrichment({
    albumKey: plan.albumKey,
    sectionId: plan.sectionId,
    originalSummary: previous?.originalSummary ?? plan.currentSummary,
    credits: plan.credits,
    releaseId: plan.releaseId,
    enrichedBy: by,
    enrichedAt: Date.now(),
  });
}

/** Restores the summary from before the first enrichment; returns the album title. */
export async function undoEnrichment(deps: Deps, albumKey: string): Promise<string> {
  const record = deps.store.getEnrichment(albumKey);
  if (!record)
    throw new UserFacingError('Autoalex has not enriched this album, so there is nothing to undo.');
  const { item } = await album(deps.plex, albumKey);
  await deps.plex.editAlbumSummary(record.sectionId, albumKey, record.originalSummary);
  deps.store.removeEnrichment(albumKey);
  return item.title;
}
