import type { APIEmbed } from 'discord.js';
import type { Listener } from '../services/listening/stats.ts';
import { LIMITS, progressBar } from '../reply.ts';
import { escapeMarkdown, truncate } from '../markdown.ts';
import { percent } from '../services/listening/stats.ts';
import { periodPhrase } from '../services/listening/period.ts';
import { badgeFor } from '../services/listening/digest.ts';
import { badgeText } from './digest.ts';
import type { Period } from '../services/listening/period.ts';
import type { AlbumProgress, ListenerStats } from '../services/listening/stats.ts';
import { countOf, plural, possessive } from '../words.ts';

/** Albums in progress shown per page; Previous/Next page through the rest. */
export const ALBUMS_PER_PAGE = 10;
const COLOR = 0xe5a00d;

function albumName(album: AlbumProgress): string {
  return `${escapeMarkdown(album.title)}${album.year ? ` (${album.year})` : ''}`;
}

/** The spec's sentence: "You have listened to X% (N/Total) of {Artist}'s collection on this server." */
export function completionSentence(
  listener: Listener,
  stats: ListenerStats,
  artist: string,
  period?: Period,
): string {
  const who =
    listener.kind === 'all'
      ? 'Everyone together has'
      : listener.isCaller
        ? 'You have'
        : `${escapeMarkdown(listener.name)} has`;
  return `${who} listened to ${percent(stats.played, stats.total)}% (${stats.played}/${stats.total}) of ${escapeMarkdown(possessive(artist))} collection on this server${period && period.name !== 'all' ? ` ${periodPhrase(period)}` : ''}.`;
}

/** A line under an answer counted from Tautulli directly because the local history is still loading. */
export function loadingNote(loading: boolean): string {
  return loading
    ? '\n-# The listening history is still loading: this answer came from Tautulli directly.'
    : '';
}

export function inProgressAlbums(stats: ListenerStats): AlbumProgress[] {
  return stats.albums
    .filter((a) => a.played > 0 && a.played < a.total)
    .sort(
      (a, b) =>
        b.played / b.total - a.played / a.total || b.played - a.played || a.title.localeCompare(b.title),
    );
}

export function pageCount(stats: ListenerStats): number {
  return Math.max(1, Math.ceil(inProgressAlbums(stats).length / ALBUMS_PER_PAGE));
}

function listField(name: string, albums: readonly AlbumProgress[]): { name: string; value: string } {
  const names = albums.map(albumName);
  let value = '';
  for (let i = 0; i < names.length; i++) {
    const next = value ? `${value} · ${names[i]}` : (names[i] as string);
    const rest = names.length - i - 1;
    if (next.length + (rest ? ` … and ${rest} more`.length : 0) > LIMITS.fieldValue) {
      value += ` … and ${names.length - i} more`;
      break;
    }
    value = next;
  }
  return { name, value: value || '—' };
}

/** The completion embed for one page of albums in progress (0-based `page`, clamped). */
export function completionEmbed(
  listener: Listener,
  stats: ListenerStats,
  artist: string,
  page: number,
): APIEmbed {
  const fraction = stats.total ? stats.played / stats.total : 0;
  const inProgress = inProgressAlbums(stats);
  const pages = pageCount(stats);
  const current = Math.min(Math.max(0, page), pages - 1);
  const completed = stats.albums.filter((a) => a.total > 0 && a.played === a.total);
  const untouched = stats.albums.filter((a) => a.played === 0);
  const fields = [];
  if (completed.length) fields.push(listField(`Completed (${completed.length})`, completed));
  if (inProgress.length) {
    const lines = inProgress
      .slice(current * ALBUMS_PER_PAGE, (current + 1) * ALBUMS_PER_PAGE)
      .map(
        (a) =>
          `${progressBar(a.played / a.total, 8)} ${percent(a.played, a.total)}% ${albumName(a)} — ${a.played}/${a.total}`,
      );
    fields.push({
      name: `In progress (${inProgress.length})`,
      value: truncate(lines.join('\n'), LIMITS.fieldValue),
    });
  }
  if (untouched.length) fields.push(listField(`Untouched (${untouched.length})`, untouched));
  return {
    title: truncate(`${artist} — ${percent(stats.played, stats.total)}% complete`, LIMITS.embedTitle),
    description:
      `${progressBar(fraction, 20)}\n` +
      `${countOf(stats.played, stats.total, 'track')} · ${plural(stats.plays, 'play')} · ` +
      `${countOf(stats.albumsCompleted, stats.albums.length, 'album')} completed` +
      badgeLine(stats),
    color: COLOR,
    fields,
    footer:
      pages > 1
        ? { text: `Page ${current + 1}/${pages} · albums in progress, most complete first` }
        : undefined,
  };
}

/** The completion badge earned (25, 50 or 100 % of the artist's tracks), as a line of its own. */
function badgeLine(stats: ListenerStats): string {
  const badge = badgeFor(stats.played, stats.total);
  return badge === null ? '' : `\n${badgeText(badge)} badge`;
}
