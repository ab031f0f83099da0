import { periodPhrase } from '../services/listening/period.ts';
import type { Period } from '../services/listening/period.ts';
import type { APIEmbed } from 'discord.js';
import type { Listener } from '../services/listening/stats.ts';
import { LIMITS, progressBar } from '../reply.ts';
import { escapeMarkdown, truncate } from '../markdown.ts';
import { percent } from '../services/listening/stats.ts';
import type { ArtistStats, ListenerStats } from '../services/listening/stats.ts';

type Named = { listener: Extract<Listener, { kind: 'user' }>; stats: ListenerStats };

/** Tracks shown per "only X played" list. */
const EXCLUSIVE_SHOWN = 5;

/** The winner by completion, then by plays; null for a tie on both. */
export function battleWinner(a: Named, b: Named): Named | null {
  const pa = a.stats.total ? a.stats.played / a.stats.total : 0;
  const pb = b.stats.total ? b.stats.played / b.stats.total : 0;
  if (pa !== pb) return pa > pb ? a : b;
  if (a.stats.plays !== b.stats.plays) return a.stats.plays > b.stats.plays ? a : b;
  return null;
}

function statLines(s: ListenerStats): string {
  return [
    `${progressBar(s.total ? s.played / s.total : 0, 10)} **${percent(s.played, s.total)}%**`,
    `${s.played}/${s.total} unique tracks`,
    `${s.plays} ${s.plays === 1 ? 'play' : 'plays'}`,
    `${s.albumsCompleted} ${s.albumsCompleted === 1 ? 'album' : 'albums'} completed`,
  ].join('\n');
}

/** Tracks `a` played that `b` never did, most played first. */
export function exclusiveTracks(a: ListenerStats, b: ListenerStats, tracks: ArtistStats['tracks']): string[] {
  return [...a.trackPlays]
    .filter(([key]) => !b.trackPlays.has(key))
    .sort(
      (x, y) => y[1] - x[1] || (tracks.get(x[0])?.title ?? '').localeCompare(tracks.get(y[0])?.title ?? ''),
    )
    .map(([key, plays]) => `${escapeMarkdown(tracks.get(key)?.title ?? key)} (${plays}×)`);
}

function exclusiveField(who: string, lines: readonly string[]): { name: string; value: string } {
  const shown = lines.slice(0, EXCLUSIVE_SHOWN).join('\n');
  const more = lines.length > EXCLUSIVE_SHOWN ? `\n… and ${lines.length - EXCLUSIVE_SHOWN} more` : '';
  return {
    name: truncate(`Only ${who} played`, LIMITS.fieldName),
    value: truncate(shown + more || 'Nothing', LIMITS.fieldValue),
  };
}

export function battleHeadline(artist: string, a: Named, b: Named, period?: Period): string {
  const winner = battleWinner(a, b);
  const score = `${escapeMarkdown(a.listener.name)} ${percent(a.stats.played, a.stats.total)}% vs ${escapeMarkdown(b.listener.name)} ${percent(b.stats.played, b.stats.total)}%`;
  const verdict = winner ? `**${escapeMarkdown(winner.listener.name)} wins!**` : "**It's a tie!**";
  const when = period && period.name !== 'all' ? ` ${periodPhrase(period)}` : '';
  return `⚔️ Listening battle for ${escapeMarkdown(artist)}${when}: ${score}. ${verdict}`;
}

export function battleEmbed(artist: string, a: Named, b: Named, tracks: ArtistStats['tracks']): APIEmbed {
  const winner = battleWinner(a, b);
  const crown = (n: Named) => (winner === n ? ' 👑' : '');
  return {
    title: truncate(`${artist}: ${a.listener.name} vs ${b.listener.name}`, LIMITS.embedTitle),
    color: 0xe5a00d,
    fields: [
      {
        name: truncate(`${a.listener.name}${crown(a)}`, LIMITS.fieldName),
        value: statLines(a.stats),
        inline: true,
      },
      {
        name: truncate(`${b.listener.name}${crown(b)}`, LIMITS.fieldName),
        value: statLines(b.stats),
        inline: true,
      },
      exclusiveField(a.listener.name, exclusiveTracks(a.stats, b.stats, tracks)),
      exclusiveField(b.listener.name, exclusiveTracks(b.stats, a.stats, tracks)),
    ],
    footer: winner ? undefined : { text: 'Same completion and the same number of plays.' },
  };
}
