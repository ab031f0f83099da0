import { periodPhrase } from '../services/listening/period.ts';
import type { APIEmbed } from 'discord.js';
import { LIMITS, progressBar } from '../reply.ts';
import { escapeMarkdown, truncate } from '../markdown.ts';
import type { Leaderboard, LeaderboardEntry } from '../services/listening/leaderboard.ts';
import { percent } from '../services/listening/stats.ts';

/** Listeners shown per page; Previous/Next page through the rest. */
export const LISTENERS_PER_PAGE = 10;
const COLOR = 0xe5a00d;
const CROWN = '👑';
/** Plex friendly names can be long; one line per listener keeps the board readable on phones. */
const NAME_MAX = 40;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const nameOf = (entry: LeaderboardEntry) => `**${escapeMarkdown(truncate(entry.name, NAME_MAX))}**`;

export function leaderboardPages(board: Leaderboard): number {
  return Math.max(1, Math.ceil(board.entries.length / LISTENERS_PER_PAGE));
}

/** The one-line answer above the embed: who holds the crown, or that nobody has listened yet. */
export function leaderboardHeadline(board: Leaderboard): string {
  const artist = `**${escapeMarkdown(board.artist.title)}**`;
  const holders = board.entries.filter((e) => e.crown);
  const top = holders[0];
  if (!top) return `Nobody has played ${artist} on this server yet.`;
  const score = `${percent(top.played, board.total)}% (${top.played}/${board.total}) with ${plural(top.plays, 'play')}`;
  if (holders.length === 1) return `${CROWN} ${nameOf(top)} holds the crown for ${artist}: ${score}.`;
  const names = holders.map(nameOf);
  const listed = `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return truncate(`${CROWN} ${listed} share the crown for ${artist}: ${score} each.`, LIMITS.content);
}

function entryLine(entry: LeaderboardEntry, total: number, callerUserId: string | undefined): string {
  const you = entry.userId === callerUserId ? ' ← you' : '';
  return (
    `${entry.crown ? `${CROWN} ` : ''}**${entry.rank}.** ${nameOf(entry)}${you} — ` +
    `${progressBar(entry.played / total, 10)} ${percent(entry.played, total)}% (${entry.played}/${total}) · ` +
    plural(entry.plays, 'play') +
    (entry.albumsCompleted > 0 ? ` · ${plural(entry.albumsCompleted, 'album')} completed` : '')
  );
}

/** One page (0-based, clamped) of the ranking, with everyone's total and who has not listened yet. */
export function leaderboardEmbed(board: Leaderboard, page: number, callerUserId?: string): APIEmbed {
  const pages = leaderboardPages(board);
  const current = Math.min(Math.max(0, page), pages - 1);
  const lines = board.entries
    .slice(current * LISTENERS_PER_PAGE, (current + 1) * LISTENERS_PER_PAGE)
    .map((entry) => entryLine(entry, board.total, callerUserId));
  const { everyone } = board;
  const summary = [
    `Everyone together: ${percent(everyone.played, board.total)}% (${everyone.played}/${board.total}) · ${plural(everyone.plays, 'play')}`,
  ];
  if (board.notPlayed > 0) {
    summary.push(
      `${plural(board.notPlayed, 'other user')} ${board.notPlayed === 1 ? "hasn't" : "haven't"} played it yet.`,
    );
  }
  const mine = board.entries.find((e) => e.userId === callerUserId);
  const footer = [
    pages > 1 ? `Page ${current + 1}/${pages}` : '',
    plural(board.entries.length, 'listener'),
    'ranked by completion, then plays',
    mine ? `you are #${mine.rank}` : '',
  ];
  return {
    title: truncate(
      `${board.artist.title} — leaderboard${board.period.name === 'all' ? '' : `, ${periodPhrase(board.period)}`}`,
      LIMITS.embedTitle,
    ),
    description: truncate(
      [...(lines.length > 0 ? lines : ['No plays yet.']), '', ...summary].join('\n'),
      LIMITS.embedDescription,
    ),
    color: COLOR,
    footer: { text: footer.filter(Boolean).join(' · ') },
  };
}
