import { UserFacingError } from '../../errors.ts';
import { aggregate, formatCredits } from './aggregate.ts';
import type { DiscogsService } from './discogs.ts';
import type { MusicBrainzService } from './musicbrainz.ts';
import { musicBrainzId } from '../plex/client.ts';
import type { PlexService } from '../plex/client.ts';
import type { Store } from '../store/index.ts';
import { withBlock } from './summary-block.ts';

/**
 * `/alex enrich`: find the album's MusicBrainz release (its `mbid://` Guid, else a search by artist and
 * title), aggregate the performer credits, and write them into a delimited block of the Plex summary.
 */

export type EnrichMode = 'append' | 'prepend';
/** Where credits come from: MusicBrainz with Discogs as the fallback (auto), or one of them. */
export type CreditSource = 'auto' | 'musicbrainz' | 'discogs';

export interface EnrichmentPlan {
  albumKey: string;
  sectionId: string;
  albumTitle: string;
  artist: string;
  /** "musicbrainz:<mbid>" or "discogs:<id>". */
  releaseId: string;
  source: 'musicbrainz' | 'discogs';
  /** How the release was found. */
  via: 'guid' | 'search';
  credits: string;
  currentSummary: string;
  newSummary: string;
}

interface Deps {
  plex: PlexService;
  musicbrainz: MusicBrainzService;
  discogs: DiscogsService;
  store: Store;
}

type Found = {
  releaseId: string;
  source: 'musicbrainz' | 'discogs';
  via: 'guid' | 'search';
  credits: string;
};
type AlbumItem = Awaited<ReturnType<PlexService['metadata']>> & object;

/** MusicBrainz: the album's Guid (release or release group), else a search. `credits` may be empty. */
async function fromMusicBrainz(deps: Deps, item: AlbumItem, artist: string): Promise<Found | null> {
  const mbid = musicBrainzId(item);
  let releaseId = mbid ? await deps.musicbrainz.resolveRelease(mbid) : null;
  const via = releaseId ? 'guid' : 'search';
  releaseId ??= await deps.musicbrainz.searchRelease(artist, item.title, item.leafCount);
  if (!releaseId) return null;
  const release = await deps.musicbrainz.releaseCredits(releaseId);
  const credits = release
    ? formatCredits(aggregate(release.performances, release.trackCount, release.leaders))
    : '';
  return { releaseId: `musicbrainz:${releaseId}`, source: 'musicbrainz', via, credits };
}

async function fromDiscogs(deps: Deps, item: AlbumItem, artist: string): Promise<Found | null> {
  const releaseId = await deps.discogs.searchRelease(artist, item.title);
  if (releaseId === null) return null;
  const release = await deps.discogs.releaseCredits(releaseId);
  const credits = release
    ? formatCredits(aggregate(release.performances, release.trackCount, release.leaders))
    : '';
  return { releaseId: `discogs:${releaseId}`, source: 'discogs', via: 'search', credits };
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
  source: CreditSource = 'auto',
): Promise<EnrichmentPlan> {
  const { item, sectionId } = await album(deps.plex, albumKey);
  const artist = item.parentTitle ?? '';
  const mb = source === 'discogs' ? null : await fromMusicBrainz(deps, item, artist);
  const dc = source === 'musicbrainz' || mb?.credits ? null : await fromDiscogs(deps, item, artist);
  const found = mb?.credits ? mb : dc?.credits ? dc : null;
  if (!found) {
    const where =
      source === 'auto' ? 'MusicBrainz or Discogs' : source === 'discogs' ? 'Discogs' : 'MusicBrainz';
    if (mb || dc)
      throw new UserFacingError(
        `${where} ${source === 'auto' ? 'list' : 'lists'} no performers for “${item.title}”. Nothing was written.`,
      );
    throw new UserFacingError(
      `${where} ${source === 'auto' ? 'have' : 'has'} no release matching “${item.title}” by ${artist || 'an unknown artist'}. Nothing was written.`,
    );
  }
  const currentSummary = item.summary ?? '';
  return {
    albumKey,
    sectionId,
    albumTitle: item.title,
    artist,
    releaseId: found.releaseId,
    source: found.source,
    via: found.via,
    credits: found.credits,
    currentSummary,
    newSummary: withBlock(currentSummary, found.credits, mode),
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
