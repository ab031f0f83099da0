import { toUserMessage, UserFacingError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { chosenMusicSections, PLEX_TYPE } from './plex/client.ts';
import type { PlexItem, PlexService } from './plex/client.ts';
import type { Store } from './store/index.ts';

/**
 * Keeps a dumb Plex playlist equal to every music track rated at least `minRating`: rated tracks come
 * from Plex's own filter (`userRating>=N`, paged), the playlist is diffed, missing tracks are added in
 * few requests and extras removed one by `playlistItemID`. Nothing changes when nothing has to.
 */

export interface SyncTrack {
  ratingKey: string;
  title: string;
  artist: string;
}

export interface SyncReport {
  playlist: string;
  dryRun: boolean;
  created: boolean;
  added: SyncTrack[];
  removed: SyncTrack[];
  kept: number;
  /** Tracks that qualify (the playlist's size after the sync). */
  target: number;
  /** Plex requests that changed something. */
  writes: number;
}

export interface SyncRequest {
  playlist: string;
  minRating: number;
  /** Only this artist's tracks ("Top Rated: {Artist}"). */
  artistKey?: string;
  dryRun: boolean;
}

export interface PlaylistSync {
  /**
   * Runs one sync and records it (who or what triggered it, the counts or the error). A second sync of the
   * same playlist while one runs is refused, never interleaved.
   */
  run(request: SyncRequest, trigger: string): Promise<SyncReport>;
}

const toTrack = (item: PlexItem): SyncTrack => ({
  ratingKey: item.ratingKey,
  title: item.title,
  artist: item.originalTitle || item.grandparentTitle || 'Unknown artist',
});

async function ratedTracks(
  plex: PlexService,
  sections: readonly string[],
  request: SyncRequest,
  logger: Logger,
) {
  const filters: Array<[string, string]> = [['userRating>=', String(request.minRating)]];
  if (request.artistKey) filters.push(['artist.id=', request.artistKey]);
  const wanted = new Map<string, SyncTrack>();
  for (const section of await chosenMusicSections(plex, sections)) {
    const items = await plex.listSection(section.id, PLEX_TYPE.track, { filters });
    // Plex ignores filters it does not know instead of failing: never trust an answer that includes others.
    const qualifying = items.filter(
      (t) =>
        (t.userRating ?? -1) >= request.minRating &&
        (!request.artistKey || t.grandparentRatingKey === request.artistKey),
    );
    if (qualifying.length < items.length) {
      logger.warn(
        { section: section.id, ignored: items.length - qualifying.length },
        'Plex ignored a filter',
      );
    }
    for (const track of qualifying) wanted.set(track.ratingKey, toTrack(track));
  }
  return wanted;
}

async function managedPlaylist(plex: PlexService, title: string) {
  const same = (await plex.playlists()).filter((p) => p.title === title);
  if (same.length > 1) {
    throw new UserFacingError(
      `There are ${same.length} playlists called “${title}”. Rename or delete the extras in Plex; Autoalex will not guess which one to manage.`,
    );
  }
  if (same[0]?.smart) {
    throw new UserFacingError(
      `“${title}” is a smart playlist, which Plex fills by itself. Rename it or choose another PLAYLIST_NAME.`,
    );
  }
  return same[0];
}

export function createPlaylistSync(options: {
  plex: PlexService;
  store: Store;
  sections: readonly string[];
  logger: Logger;
}): PlaylistSync {
  const logger = options.logger.child({ svc: 'playlist-sync' });
  const running = new Set<string>();

  async function sync(request: SyncRequest): Promise<SyncReport> {
    const { plex } = options;
    const wanted = await ratedTracks(plex, options.sections, request, logger);
    const existing = await managedPlaylist(plex, request.playlist);
    const items = existing ? await plex.playlistItems(existing.ratingKey) : [];
    const seen = new Set<string>();
    const removed: Array<SyncTrack & { playlistItemID: string }> = [];
    for (const item of items) {
      // Extras and duplicates go; a track the playlist already holds stays where it is.
      if (!wanted.has(item.ratingKey) || seen.has(item.ratingKey))
        removed.push({ ...toTrack(item), playlistItemID: item.playlistItemID });
      seen.add(item.ratingKey);
    }
    const added = [...wanted.values()].filter((t) => !seen.has(t.ratingKey));
    const report: SyncReport = {
      playlist: request.playlist,
      dryRun: request.dryRun,
      created: !existing && added.length > 0,
      added,
      removed,
      kept: items.length - removed.length,
      target: wanted.size,
      writes: 0,
    };
    if (request.dryRun) return report;
    let playlistId = existing?.ratingKey;
    let toAdd = added.map((t) => t.ratingKey);
    if (!playlistId && toAdd.length > 0) {
      // Plex cannot create an empty playlist: create it with the first track, then add the rest.
      playlistId = (await plex.createPlaylist(request.playlist, toAdd.slice(0, 1))).ratingKey;
      toAdd = toAdd.slice(1);
      report.writes++;
    }
    if (playlistId && toAdd.length > 0) report.writes += await plex.addToPlaylist(playlistId, toAdd);
    for (const item of removed) {
      await plex.removeFromPlaylist(existing?.ratingKey as string, item.playlistItemID);
      report.writes++;
    }
    logger.info(
      { playlist: request.playlist, added: added.length, removed: removed.length, writes: report.writes },
      'playlist synced',
    );
    return report;
  }

  return {
    async run(request, trigger) {
      if (running.has(request.playlist)) {
        throw new UserFacingError(
          `A sync of “${request.playlist}” is already running. Try again in a moment.`,
        );
      }
      running.add(request.playlist);
      const startedAt = Date.now();
      const record = (counts: { added: number; removed: number; kept: number }, error: string | null) =>
        options.store.recordSyncRun({
          playlist: request.playlist,
          trigger,
          startedAt,
          finishedAt: Date.now(),
          dryRun: request.dryRun,
          error,
          ...counts,
        });
      try {
        const report = await sync(request);
        record({ added: report.added.length, removed: report.removed.length, kept: report.kept }, null);
        return report;
      } catch (error) {
        record({ added: 0, removed: 0, kept: 0 }, toUserMessage(error).text);
        throw error;
      } finally {
        running.delete(request.playlist);
      }
    },
  };
}
