import type { APIEmbed } from 'discord.js';
import { LIMITS } from '../reply.ts';
import { truncate } from '../markdown.ts';
import type { ReplyFile } from '../reply.ts';
import type { ContainerInfo } from '../services/health/docker.ts';
import type { Incident } from '../services/store/index.ts';

/** What Docker told us about the Plex container: its details, missing, or why we could not ask. */
export type Diagnostics =
  | { kind: 'container'; container: ContainerInfo; logs: string[] }
  | { kind: 'missing'; name: string }
  | { kind: 'docker-error'; text: string };

/** Lines of log shown inline; the rest goes into an attached .log file. */
const INLINE_LOG_CHARS = 1800;

/** "#12", or "#1 (unsaved)" for an incident kept in memory because the database failed (ids below zero). */
export const incidentLabel = (incident: Pick<Incident, 'id'>): string =>
  incident.id > 0 ? `#${incident.id}` : `#${-incident.id} (unsaved)`;

const ts = (ms: number, style: 'R' | 'f' = 'R') => `<t:${Math.floor(ms / 1000)}:${style}>`;

export function formatDowntime(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [d && `${d}d`, h && `${h}h`, m && `${m}m`, (s || total === 0) && `${s}s`].filter(Boolean).join(' ');
}

function containerText(d: Diagnostics): string {
  if (d.kind === 'missing') return `No container named \`${d.name}\` (check PLEX_CONTAINER_NAME).`;
  if (d.kind === 'docker-error') return d.text;
  const c = d.container;
  const parts = [`**${c.status}**${c.health ? ` (${c.health})` : ''}`, `restarts: ${c.restartCount}`];
  if (c.status !== 'running') parts.push(`exit code ${c.exitCode}`);
  if (c.startedAt && !c.startedAt.startsWith('0001')) parts.push(`started ${ts(Date.parse(c.startedAt))}`);
  if (c.status !== 'running' && c.finishedAt && !c.finishedAt.startsWith('0001'))
    parts.push(`stopped ${ts(Date.parse(c.finishedAt))}`);
  if (c.error) parts.push(`error: ${c.error}`);
  return truncate(parts.join(' · '), LIMITS.fieldValue);
}

/** The alert embed and, when the log tail does not fit, the tail as a file. */
export function alertContent(
  incident: Incident,
  d: Diagnostics,
  containerName: string,
  storeProblem?: string,
): { embed: APIEmbed; files: ReplyFile[] } {
  const logs = d.kind === 'container' ? d.logs : [];
  const text = logs.join('\n');
  const inline = text.length <= INLINE_LOG_CHARS;
  const fields = [
    { name: 'What failed', value: truncate(incident.reason, LIMITS.fieldValue), inline: true },
    { name: 'Since', value: `${ts(incident.startedAt, 'f')} (${ts(incident.startedAt)})`, inline: true },
    { name: `Container ${containerName}`, value: containerText(d) },
  ];
  if (storeProblem)
    fields.push({
      name: '⚠️ Database',
      value: truncate(
        `Autoalex cannot use its database (${storeProblem}): this alert comes from memory, and a restart of the bot forgets the incident. Check DATA_DIR (autoalex.db).`,
        LIMITS.fieldValue,
      ),
    });
  const embed: APIEmbed = {
    title: '🔴 Plex is down',
    color: 0xe74c3c,
    fields,
    description:
      logs.length === 0
        ? undefined
        : inline
          ? `Last ${logs.length} log lines:\n\`\`\`\n${text.replace(/```/g, "'''")}\n\`\`\``
          : `The last ${logs.length} log lines are attached.`,
    footer: { text: `Incident ${incidentLabel(incident)}` },
    timestamp: new Date(incident.confirmedAt).toISOString(),
  };
  const files = inline
    ? []
    : [{ name: `plex-incident-${Math.abs(incident.id)}.log`, data: Buffer.from(`${text}\n`) }];
  return { embed, files };
}

/** The recovery; when its alert was never posted, it also says what had failed. */
export function recoveryEmbed(incident: Incident, downtimeMs: number, version: string | undefined): APIEmbed {
  const unannounced = incident.alertMessageId === null ? ` What failed: ${incident.reason}.` : '';
  return {
    title: '🟢 Plex is back',
    description: truncate(
      `Down for **${formatDowntime(downtimeMs)}** (since ${ts(incident.startedAt, 'f')}).${unannounced}${version ? ` Server version ${version}.` : ''}`,
      LIMITS.embedDescription,
    ),
    color: 0x2ecc71,
    footer: { text: `Incident ${incidentLabel(incident)}` },
  };
}

export function reminderText(incident: Incident, now: number): string {
  return `⏰ Plex is still down, for ${formatDowntime(now - incident.startedAt)} now (incident ${incidentLabel(incident)}).`;
}
