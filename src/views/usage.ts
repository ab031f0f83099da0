import type { APIEmbed } from 'discord.js';
import { LIMITS, progressBar } from '../reply.ts';
import { escapeMarkdown, truncate } from '../markdown.ts';
import type { Activity, StreamSession } from '../services/tautulli/client.ts';

/** Pure rendering of Tautulli activity into embeds; no I/O, so it is easy to test and to benchmark. */

const STATE_ICON: Record<StreamSession['state'], string> = {
  playing: '▶️',
  paused: '⏸️',
  buffering: '⏳',
  unknown: '❔',
};
const STATE_COLOR: Record<StreamSession['state'], number> = {
  playing: 0x2ecc71,
  paused: 0xf1c40f,
  buffering: 0xe67e22,
  unknown: 0x95a5a6,
};
const IDLE_COLOR = 0x5865f2;

export function formatBandwidth(kbps: number): string {
  if (kbps >= 1000) return `${(kbps / 1000).toFixed(1)} Mbps`;
  return `${Math.round(kbps)} kbps`;
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "Artist – Album – Track" for music (the track artist when it differs), the full title otherwise. */
export function streamTitle(session: StreamSession): string {
  if (session.mediaType === 'track') {
    const artist = session.originalTitle || session.grandparentTitle;
    return [artist, session.parentTitle, session.title].filter(Boolean).join(' – ');
  }
  if (session.mediaType === 'movie' && session.year) return `${session.fullTitle} (${session.year})`;
  return session.fullTitle || session.title || 'Untitled';
}

export function decisionText(session: StreamSession): string {
  switch (session.transcodeDecision) {
    case 'direct play':
      return 'Direct Play';
    case 'copy':
      return 'Direct Stream';
    case 'transcode':
      return session.transcodeReasons.length > 0
        ? `Transcode (${session.transcodeReasons.join(', ')})`
        : 'Transcode';
    default:
      return session.transcodeDecision || 'Unknown';
  }
}

function playerText(session: StreamSession): string {
  const parts = [session.player, session.product].filter((part, i, all) => part && all.indexOf(part) === i);
  const main = parts.join(' · ') || 'Unknown player';
  return session.platform && !parts.includes(session.platform) ? `${main} (${session.platform})` : main;
}

function qualityText(session: StreamSession): string {
  const quality = [
    session.qualityProfile,
    session.streamBitrateKbps > 0 ? formatBandwidth(session.streamBitrateKbps) : '',
  ]
    .filter((part, i, all) => part && all.indexOf(part) === i)
    .join(' · ');
  const where = session.location ? ` · ${session.location.toUpperCase()}` : '';
  return `${quality || 'Unknown quality'}${where}\n${decisionText(session)}`;
}

function progressText(session: StreamSession): string {
  const percent = Math.round(session.progressPercent);
  const times =
    session.durationMs > 0
      ? ` ${formatDuration(session.viewOffsetMs)} / ${formatDuration(session.durationMs)}`
      : '';
  return `${progressBar(percent / 100, 12)} ${percent}%${times}`;
}

export function sessionEmbed(session: StreamSession, thumbnailName: string | undefined): APIEmbed {
  const embed: APIEmbed = {
    title: truncate(`${STATE_ICON[session.state]} ${streamTitle(session)}`, LIMITS.embedTitle),
    color: STATE_COLOR[session.state],
    fields: [
      { name: 'User', value: truncate(escapeMarkdown(session.user), LIMITS.fieldValue), inline: true },
      {
        name: 'Player',
        value: truncate(escapeMarkdown(playerText(session)), LIMITS.fieldValue),
        inline: true,
      },
      { name: 'Quality', value: truncate(qualityText(session), LIMITS.fieldValue), inline: false },
      { name: 'Progress', value: progressText(session), inline: false },
    ],
  };
  // The quality line shows the media's bitrate; the footer's total is Plex's bandwidth for the streams,
  // which is more. Each stream's share is shown under its own label so the footer adds up.
  if (session.bandwidthKbps > 0)
    embed.fields?.splice(3, 0, {
      name: 'Bandwidth',
      value: `${formatBandwidth(session.bandwidthKbps)} of the total below`,
      inline: false,
    });
  if (thumbnailName) embed.thumbnail = { url: `attachment://${thumbnailName}` };
  return embed;
}

export function footerText(activity: Activity): string {
  const n = activity.streamCount;
  const transcodes = activity.transcode === 1 ? '1 transcode' : `${activity.transcode} transcodes`;
  return (
    `${n} ${n === 1 ? 'stream' : 'streams'} (${transcodes}) · ` +
    `${formatBandwidth(activity.totalBandwidthKbps)} total · ${formatBandwidth(activity.lanBandwidthKbps)} LAN · ` +
    `${formatBandwidth(activity.wanBandwidthKbps)} WAN`
  );
}

export function idleEmbed(activity: Activity): APIEmbed {
  return {
    title: 'Nothing is playing on Plex right now',
    description: 'When someone starts a stream, press Refresh to see it here.',
    color: IDLE_COLOR,
    footer: { text: footerText(activity) },
  };
}

/** The line under the embeds when more streams run than 10 embeds can show. */
export function overflowLine(hidden: readonly StreamSession[]): string {
  const names = hidden.map((s) => `${escapeMarkdown(s.user)} (${escapeMarkdown(streamTitle(s))})`).join(', ');
  return truncate(`…and ${hidden.length} more: ${names}`, 1000);
}

/** The admin's "Stop this stream?" question, with the message the viewer will see. */
export function stopConfirmEmbed(session: StreamSession, message: string): APIEmbed {
  return {
    title: 'Stop this stream?',
    description: truncate(
      `**${escapeMarkdown(session.user)}** — ${escapeMarkdown(streamTitle(session))}\n` +
        `on ${escapeMarkdown(session.player || session.product || 'an unknown player')}\n\nThey will see: “${escapeMarkdown(message)}”`,
      LIMITS.embedDescription,
    ),
    color: 0xe74c3c,
  };
}

export function stoppedText(session: StreamSession): string {
  const text = `Stopped **${escapeMarkdown(session.user)}**'s stream of ${escapeMarkdown(streamTitle(session))}.`;
  return truncate(text, LIMITS.content);
}
