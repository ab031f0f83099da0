import type { APIEmbed } from 'discord.js';
import { LIMITS } from '../reply.ts';
import { escapeMarkdown, truncate } from '../markdown.ts';
import type { SyncReport, SyncTrack } from '../services/playlist-sync.ts';

/** Track names listed per side before "… and N more". */
const LISTED = 10;

export function stars(rating: number): string {
  const full = Math.floor(rating / 2);
  return `${'★'.repeat(full)}${rating % 2 >= 1 ? '½' : ''}`;
}

function trackList(tracks: readonly SyncTrack[]): string {
  const lines = tracks
    .slice(0, LISTED)
    .map((t) => `${escapeMarkdown(t.title)} — ${escapeMarkdown(t.artist)}`);
  if (tracks.length > LISTED) lines.push(`… and ${tracks.length - LISTED} more`);
  return truncate(lines.join('\n'), LIMITS.fieldValue);
}

/** "+3 added, −1 removed": the one-line summary used in replies and channel reports. */
export function changeLine(report: SyncReport): string {
  return `+${report.added.length} added, −${report.removed.length} removed, ${report.kept} kept`;
}

export function syncEmbed(report: SyncReport, minRating: number): APIEmbed {
  const changed = report.added.length + report.removed.length > 0;
  const name = escapeMarkdown(report.playlist);
  const title = report.dryRun
    ? `Dry run: “${report.playlist}” would change`
    : changed
      ? `“${report.playlist}” ${report.created ? 'created' : 'updated'}`
      : `“${report.playlist}” is already in sync`;
  const fields = [];
  if (report.added.length)
    fields.push({ name: report.dryRun ? 'Would add' : 'Added', value: trackList(report.added) });
  if (report.removed.length)
    fields.push({ name: report.dryRun ? 'Would remove' : 'Removed', value: trackList(report.removed) });
  return {
    title: truncate(
      report.dryRun && !changed ? `Dry run: “${report.playlist}” is already in sync` : title,
      LIMITS.embedTitle,
    ),
    description: `${changeLine(report)}. ${report.target} ${report.target === 1 ? 'track is' : 'tracks are'} rated ${stars(minRating)} or more${report.dryRun ? '; nothing was written' : ''}. Playlist: **${name}**`,
    color: report.dryRun ? 0x95a5a6 : 0xe5a00d,
    fields,
  };
}
