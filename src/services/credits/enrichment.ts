import { UPSTREAM_SERVICES, UpstreamError, UserFacingError } from '../../errors.ts';
import { aggregate, formatCredits } from './aggregate.ts';
import type { DiscogsService } from './discogs.ts';
import type { MusicBrainzService } from './musicbrainz.ts';
import { musicBrainzId } from '../plex/client.ts';
import type { PlexService } from '../plex/client.ts';
import type { Store } from '../store/index.ts';
import { hasBlock, withBlock, withoutBlock } from './summary-block.ts';

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
  /** Set when MusicBrainz failed and Discogs answered instead: why ("MusicBrainz is unreachable"). */
  fallback?: string;
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

/**
 * `source:auto` found no credits because a source failed: one message that names each cause (both, or the
 * failure and what the other source said), so an admin knows whether to wait or to fix something.
 */
export class CreditSourcesFailed extends UserFacingError {
  readonly causes: readonly UpstreamError[];
  constructor(message: string, causes: readonly UpstreamError[]) {
    super(message);
    this.name = 'CreditSourcesFailed';
    this.causes = causes;
  }
}

/** "MusicBrainz is unreachable", "Discogs did not answer in time": a cause to put inside a sentence. */
export function upstreamCause(error: UpstreamError): string {
  const name = UPSTREAM_SERVICES[error.service];
  const status = error.status;
  if (status === 429 || status === 503) return `${name} is overloaded or rate-limiting (HTTP ${status})`;
  switch (error.kind) {
    case 'unreachable':
      return `${name} is unreachable`;
    case 'timeout':
      return `${name} did not answer in time`;
    case 'unauthorized':
      return `${name} rejected Autoalex's credentials`;
    case 'not_found':
      return `${name} could not find it`;
    default:
      return status && status >= 500
        ? `${name} answered with a server error (HTTP ${status})`
        : `${name} sent an answer Autoalex could not understand`;
  }
}

/** An upstream failure becomes a value (to try the other source); anything else still throws. */
async function attempt(work: () => Promise<Found | null>): Promise<Found | UpstreamError | null> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UpstreamError) return error;
    throw error;
  }
}

/** Why a source gave nothing, in words: "Discogs lists no performers for “X”" or "… has no release matching …". */
function nothingFrom(name: string, found: Found | null, item: AlbumItem, artist: string): string {
  return found
    ? `${name} lists no performers for “${item.title}”`
    : `${name} has no release matching “${item.title}” by ${artist || 'an unknown artist'}`;
}

/**
 * Credits from the chosen source. With `auto`, MusicBrainz first; Discogs when MusicBrainz has no credits,
 * no release, or does not answer at all (down, slow, 503, rate-limited). A named source fails as itself.
 */
async function findCredits(
  deps: Deps,
  item: AlbumItem,
  artist: string,
  source: CreditSource,
): Promise<Found & { fallback?: UpstreamError }> {
  if (source !== 'auto') {
    const found =
      source === 'discogs'
        ? await fromDiscogs(deps, item, artist)
        : await fromMusicBrainz(deps, item, artist);
    if (found?.credits) return found;
    const name = source === 'discogs' ? 'Discogs' : 'MusicBrainz';
    throw new UserFacingError(`${nothingFrom(name, found, item, artist)}. Nothing was written.`);
  }
  const mb = await attempt(() => fromMusicBrainz(deps, item, artist));
  if (mb && !(mb instanceof UpstreamError) && mb.credits) return mb;
  const dc = await attempt(() => fromDiscogs(deps, item, artist));
  if (dc && !(dc instanceof UpstreamError) && dc.credits)
    return mb instanceof UpstreamError ? { ...dc, fallback: mb } : dc;
  if (mb instanceof UpstreamError && dc instanceof UpstreamError)
    throw new CreditSourcesFailed(
      `No credits: ${upstreamCause(mb)}, and ${upstreamCause(dc)}. Nothing was written; try again later.`,
      [mb, dc],
    );
  if (mb instanceof UpstreamError || dc instanceof UpstreamError) {
    const failed = mb instanceof UpstreamError ? mb : (dc as UpstreamError);
    const other = mb instanceof UpstreamError ? ['Discogs', dc] : ['MusicBrainz', mb];
    throw new CreditSourcesFailed(
      `${upstreamCause(failed)}, and ${nothingFrom(other[0] as string, other[1] as Found | null, item, artist)}. Nothing was written.`,
      [failed],
    );
  }
  // Neither failed: keep the combined wording ("MusicBrainz or Discogs list no performers…").
  if (mb || dc)
    throw new UserFacingError(
      `MusicBrainz or Discogs list no performers for “${item.title}”. Nothing was written.`,
    );
  throw new UserFacingError(
    `MusicBrainz or Discogs have no release matching “${item.title}” by ${artist || 'an unknown artist'}. Nothing was written.`,
  );
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
  const found = await findCredits(deps, item, artist, source);
  const currentSummary = item.summary ?? '';
  return {
    albumKey,
    sectionId,
    albumTitle: item.title,
    artist,
    releaseId: found.releaseId,
    source: found.source,
    via: found.via,
    ...(found.fallback ? { fallback: upstreamCause(found.fallback) } : {}),
    credits: found.credits,
    currentSummary,
    newSummary: withBlock(currentSummary, found.credits, mode),
  };
}

/**
 * Writes the planned summary (locked), remembering the original for undo FIRST: a crash after Plex took the
 * new summary but before its answer arrived must not lose the undo. Only a write Plex refused (it answered
 * with an error status, so nothing changed) takes the record back; after a timeout or a cut connection the
 * write may have happened, and undoing a write that did not is harmless.
 */
export async function applyEnrichment(deps: Deps, plan: EnrichmentPlan, by: string): Promise<void> {
  const previous = deps.store.getEnrichment(plan.albumKey);
  deps.store.saveEnrichment({
    albumKey: plan.albumKey,
    sectionId: plan.sectionId,
    // An orphan block (its record lost) is never taken for part of the original.
    originalSummary: previous?.originalSummary ?? withoutBlock(plan.currentSummary),
    credits: plan.credits,
    releaseId: plan.releaseId,
    enrichedBy: by,
    enrichedAt: Date.now(),
  });
  try {
    await deps.plex.editAlbumSummary(plan.sectionId, plan.albumKey, plan.newSummary);
  } catch (error) {
    if (error instanceof UpstreamError && error.status !== undefined) {
      if (previous) deps.store.saveEnrichment(previous);
      else deps.store.removeEnrichment(plan.albumKey);
    }
    throw error;
  }
}

/**
 * Restores the summary from before the first enrichment; returns the album title. Without a record, a
 * credits block in the summary (left by a crash, or a lost database) is still recognised and removed.
 */
export async function undoEnrichment(deps: Deps, albumKey: string): Promise<string> {
  const record = deps.store.getEnrichment(albumKey);
  const { item, sectionId } = await album(deps.plex, albumKey);
  if (!record) {
    const summary = item.summary ?? '';
    if (!hasBlock(summary))
      throw new UserFacingError('Autoalex has not enriched this album, so there is nothing to undo.');
    await deps.plex.editAlbumSummary(sectionId, albumKey, withoutBlock(summary));
    return item.title;
  }
  await deps.plex.editAlbumSummary(record.sectionId, albumKey, record.originalSummary);
  deps.store.removeEnrichment(albumKey);
  return item.title;
}
