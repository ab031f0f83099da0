import type { APIEmbed } from 'discord.js';
import { escapeMarkdown, truncate } from '../markdown.ts';
import { LIMITS } from '../reply.ts';
import type { Badge, Digest } from '../services/listening/digest.ts';
import { periodPhrase } from '../services/listening/period.ts';
import { listeningTime, plays, topLine } from './top.ts';

const COLOR = 0xe5a00d;
const MEDALS: Record<Badge, string> = { 25: '🥉', 50: '🥈', 100: '🏆' };

/** "🥈 50 %": a completion badge as shown on completion and in the digest. */
export function badgeText(badge: Badge): string {
  return `${MEDALS[badge]} ${badge} %`;
}

function field(name: string, lines: string[], empty: string) {
  return { name, value: truncate(lines.length ? lines.join('\n') : empty, LIMITS.fieldValue) };
}

/** The digest as one embed; `label` names the period ("last week", "this month", "2025"). */
export function digestEmbed(digest: Digest, label: string): APIEmbed {
  const crowns = digest.crowns.map(
    (c) =>
      `👑 **${escapeMarkdown(c.holder)}** took ${escapeMarkdown(c.artist)}` +
      (c.previous ? ` from ${escapeMarkdown(c.previous)}` : ''),
  );
  const badges = digest.badges.map(
    (b) => `${badgeText(b.badge)} of ${escapeMarkdown(b.artist)} — **${escapeMarkdown(b.name)}**`,
  );
  const total = digest.listeners.reduce((sum, l) => sum + l.seconds, 0);
  return {
    title: truncate(`🎧 Listening digest — ${label}`, LIMITS.embedTitle),
    color: COLOR,
    description: digest.listeners.length
      ? `${listeningTime(total)} of music among the top listeners.`
      : 'No music was played in this period.',
    fields: [
      field(
        'Top listeners',
        digest.listeners.map(
          (l, i) =>
            `${i + 1}. **${escapeMarkdown(l.name)}** · ${plays(l.plays)} · ${listeningTime(l.seconds)}`,
        ),
        'Nobody listened.',
      ),
      field(
        'Most-played albums',
        digest.albums.map((row, i) => topLine(row, i + 1, 'albums')),
        'No albums played.',
      ),
      field('Crowns that changed hands', crowns, 'Every crown stayed put.'),
      field('New completion badges', badges, 'No new badges.'),
    ],
  };
}

/** The label of an on-demand digest's period. */
export function periodLabel(name: string): string {
  if (name === 'all') return 'all time';
  return periodPhrase({ name, from: 0, to: 0 }).replace(/^in /, '');
}
