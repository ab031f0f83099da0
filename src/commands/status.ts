import type { APIEmbed } from 'discord.js';
import { toUserMessage } from '../errors.ts';
import { LIMITS } from '../reply.ts';
import { escapeMarkdown, truncate } from '../markdown.ts';
import { observedUptime } from '../services/health/monitor.ts';
import type { Incident } from '../services/store/index.ts';
import { formatDowntime, incidentLabel } from '../views/monitor.ts';
import type { Command } from './types.ts';
import type { CommandContext } from '../context.ts';

const DAY_MS = 86_400_000;
const SHOWN_INCIDENTS = 5;

async function containerLine(ctx: CommandContext): Promise<string> {
  const name = ctx.config.plex.containerName;
  try {
    const c = await ctx.services.docker.inspect(name);
    if (!c) return `No container named \`${escapeMarkdown(name)}\`.`;
    const started = c.startedAt ? Date.parse(c.startedAt) : NaN;
    const uptime =
      c.status === 'running' && Number.isFinite(started)
        ? `, up ${formatDowntime(Date.now() - started)}`
        : '';
    return `\`${escapeMarkdown(name)}\`: **${c.status}**${c.health ? ` (${c.health})` : ''}${uptime}, ${c.restartCount} restarts`;
  } catch (error) {
    return `Docker: ${toUserMessage(error).text}`;
  }
}

/** "24 h: 99.95% · 7 days: 99.99%", or the share of the time watched so far when that is shorter. */
function uptimeLine(incidents: readonly Incident[], now: number, since: number | undefined): string {
  const day = observedUptime(incidents, DAY_MS, now, since);
  const week = observedUptime(incidents, 7 * DAY_MS, now, since);
  if (!day || !week) return 'Not measured yet: the monitor has not checked Plex.';
  if (week.observedMs < 7 * DAY_MS && day.observedMs === week.observedMs)
    return `${week.percent.toFixed(2)}% of the ${formatDowntime(week.observedMs)} watched so far`;
  const weekText =
    week.observedMs < 7 * DAY_MS
      ? `${week.percent.toFixed(2)}% of the ${formatDowntime(week.observedMs)} watched`
      : `7 days: ${week.percent.toFixed(2)}%`;
  return `24 h: ${day.percent.toFixed(2)}% · ${weekText}`;
}

/** `/alex status`: Plex reachable now, server, container, recent incidents and uptime over 24 h and 7 days. */
export const status: Command = {
  name: 'status',
  description: 'Plex health: reachable now, container state, recent incidents, uptime',
  options: [],
  examples: ['/alex status', '!alex status'],
  async run(_args, ctx) {
    const url = ctx.config.plex.url;
    if (!url)
      return {
        content: 'Plex is not configured on this bot: an admin needs to set PLEX_URL and PLEX_TOKEN.',
      };
    const [probe, server, container] = await Promise.all([
      ctx.services.monitor.probe(),
      ctx.services.plex.serverInfo().catch(() => undefined),
      containerLine(ctx),
    ]);
    const now = Date.now();
    // The monitor's own view: the database's incidents, or what it keeps in memory when the database fails.
    const { monitor } = ctx.services;
    const incidents = monitor.incidentsSince(now - 7 * DAY_MS);
    const watchedSince = monitor.watchedSince();
    const storeProblem = monitor.storeProblem();
    const lines = incidents.slice(0, SHOWN_INCIDENTS).map((i) => {
      const duration = formatDowntime((i.endedAt ?? now) - i.startedAt);
      return `${incidentLabel(i)} <t:${Math.floor(i.startedAt / 1000)}:f> · ${i.endedAt ? duration : `ongoing (${duration})`} · ${escapeMarkdown(i.reason)}`;
    });
    const embed: APIEmbed = {
      title: probe.ok ? '🟢 Plex is up' : '🔴 Plex is not answering',
      color: probe.ok ? 0x2ecc71 : 0xe74c3c,
      description: probe.ok
        ? `Answered in ${probe.ms} ms${server?.friendlyName ? ` · **${escapeMarkdown(server.friendlyName)}**` : ''}${(server?.version ?? probe.version) ? ` · version ${server?.version ?? probe.version}` : ''}`
        : `Check failed: ${probe.reason ?? 'unknown'}`,
      fields: [
        { name: 'Container', value: truncate(container, LIMITS.fieldValue) },
        {
          name: 'Uptime',
          value: uptimeLine(incidents, now, watchedSince),
        },
        {
          name: 'Recent incidents',
          value: truncate(lines.join('\n') || 'None in the last 7 days.', LIMITS.fieldValue),
        },
        ...(storeProblem
          ? [
              {
                name: '⚠️ Database',
                value: `Autoalex cannot use its database (${storeProblem}): incidents and uptime cover only what it saw since it started. Check DATA_DIR (autoalex.db).`,
              },
            ]
          : []),
      ],
      footer: {
        text: `Monitor: ${monitor.state()} · checks every ${ctx.config.monitor.pollIntervalS} s`,
      },
    };
    return { embeds: [embed] };
  },
};
