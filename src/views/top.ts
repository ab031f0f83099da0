import type { APIEmbed } from 'discord.js';
import { escapeMarkdown, truncate } from '../markdown.ts';
import { LIMITS } from '../reply.ts';
import { periodPhrase } from '../services/listening/period.ts';
import type { Period } from '../services/listening/period.ts';
import type { TopKind, TopRow } from '../services/store/index.ts';

const COLOR = 0xe5a00d;

/** "3 h 05 min", "12 min", "45 s": listening time at a glance. */
export function listeningTime(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export const plays = (n: number) => `${n} ${n === 1 ? 'play' : 'plays'}`;

/** One ranked line: "1. **Title** — Artist · 42 plays · 2 h 10 min". */
export function topLine(row: TopRow, rank: number, kind: TopKind, name?: string): string {
  const title = escapeMarkdown(name ?? row.title);
  const by = kind === 'albums' || kind === 'tracks' ? ` — ${escapeMarkdown(row.artist)}` : '';
  return `${rank}. **${title}**${by} · ${plays(row.plays)} · ${listeningTime(row.seconds)}`;
}

/** The top list embed: who, what and when in the title; one line per entry. */
export function topEmbed(
  rows: readonly TopRow[],
  kind: Exclude<TopKind, 'listeners'>,
  who: string,
  period: Period,
): APIEmbed {
  const when = period.name === 'all' ? 'all time' : periodPhrase(period);
  const total = rows.reduce((sum, row) => sum + row.seconds, 0);
  return {
    title: truncate(`Top ${kind} — ${who}, ${when}`, LIMITS.embedTitle),
    description: rows.length
      ? truncate(rows.map((row, i) => topLine(row, i + 1, kind)).join('\n'), LIMITS.embedDescription)
      : `No music played ${period.name === 'all' ? 'yet' : when}.`,
    color: COLOR,
    footer: rows.length ? { text: `${listeningTime(total)} of listening in this list` } : undefined,
  };
}

/** "Who else listens to this": an artist's listeners in a period. */
export function listenersEmbed(
  artist: string,
  listeners: ReadonlyArray<{ name: string; plays: number }>,
  period: Period,
): APIEmbed {
  const when = period.name === 'all' ? 'all time' : periodPhrase(period);
  return {
    title: truncate(`Who listens to ${artist} — ${when}`, LIMITS.embedTitle),
    description: listeners.length
      ? truncate(
          listeners.map((l, i) => `${i + 1}. **${escapeMarkdown(l.name)}** · ${plays(l.plays)}`).join('\n'),
          LIMITS.embedDescription,
        )
      : `Nobody has played ${escapeMarkdown(artist)} ${period.name === 'all' ? 'yet' : when}.`,
    color: COLOR,
  };
}
