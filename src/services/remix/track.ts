import { UserFacingError } from '../../errors.ts';
import { escapeMarkdown, truncate } from '../../markdown.ts';
import type { PlexService } from '../plex/client.ts';

/** A Plex track as the remix needs it. */
export interface RemixTrack {
  ratingKey: string;
  title: string;
  artist: string | undefined;
  album: string | undefined;
  durationS: number;
  partId: string;
  partKey: string;
  partSize: number | undefined;
}

/** 4:05 */
export function clock(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Looks the track up in Plex and refuses what cannot be remixed, saying why. */
export async function remixTrack(
  plex: PlexService,
  ratingKey: string,
  maxSeconds: number,
): Promise<RemixTrack> {
  const item = await plex.metadata(ratingKey);
  if (!item || item.type !== 'track')
    throw new UserFacingError('That track is no longer in the Plex library.');
  const part = item.Media?.[0]?.Part?.[0];
  if (!part) throw new UserFacingError('Plex has no media file for that track, so it cannot be remixed.');
  const durationS = (item.duration ?? part.duration ?? 0) / 1000;
  const title = item.title || 'Untitled';
  if (durationS > maxSeconds) {
    throw new UserFacingError(
      `“${escapeMarkdown(truncate(title, 80))}” is ${clock(durationS)} long; remixes are limited to tracks of ${clock(maxSeconds)} or less on this server (REMIX_MAX_TRACK_MINUTES).`,
    );
  }
  return {
    ratingKey: item.ratingKey,
    title,
    artist: item.originalTitle || item.grandparentTitle,
    album: item.parentTitle,
    durationS,
    partId: part.id,
    partKey: part.key,
    partSize: part.size,
  };
}
