import { alertReply } from '../components/monitor.ts';
import { UpstreamError } from '../errors.ts';
import type { MonitorEvent } from '../services/health/monitor.ts';
import { recoveryEmbed, reminderText } from '../views/monitor.ts';
import type { Diagnostics } from '../views/monitor.ts';
import type { Job, JobContext } from './types.ts';

function dockerProblem(error: unknown, dockerHost: string | undefined): string {
  const where = dockerHost ?? '/var/run/docker.sock';
  if (error instanceof UpstreamError && error.userText) return error.userText;
  if (error instanceof UpstreamError && error.kind === 'unauthorized') {
    return `Docker at ${where} refused to answer (a socket proxy needs CONTAINERS=1).`;
  }
  return `Could not reach Docker at ${where}. Is the socket mounted into Autoalex's container (read-only is enough)?`;
}

/** `work`, or `late()` once `ms` have passed: the caller stops waiting (the request ends on its own timeout). */
async function within<T>(work: Promise<T>, ms: number, late: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(late()), ms)));
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Container state and log tail, or why they could not be read: said in the alert, never a crash. Each
 * Docker call has its own deadline (UPSTREAM_TIMEOUT): a hung engine or socket proxy (dockerode's timeout
 * is an idle timer, which a trickle of bytes keeps alive) must never hold back the Plex alert.
 */
export async function diagnose(ctx: JobContext): Promise<Diagnostics> {
  const name = ctx.config.plex.containerName;
  const ms = ctx.config.upstreamTimeoutMs;
  const where = ctx.config.monitor.dockerHost ?? '/var/run/docker.sock';
  const hung = `Docker did not answer within ${Math.round(ms / 1000)} s at ${where}, so the container's state is unknown.`;
  try {
    const container = await within<Awaited<ReturnType<typeof ctx.services.docker.inspect>> | 'late'>(
      ctx.services.docker.inspect(name),
      ms,
      () => 'late',
    );
    if (container === 'late') return { kind: 'docker-error', text: hung };
    if (!container) return { kind: 'missing', name };
    const lines = ctx.config.monitor.logLines;
    const read = ctx.services.docker.logs(name, lines).catch(() => []);
    const logs = lines > 0 ? await within(read, ms, () => []) : [];
    return { kind: 'container', container, logs };
  } catch (error) {
    return { kind: 'docker-error', text: dockerProblem(error, ctx.config.monitor.dockerHost) };
  }
}

/** Turns a monitor event into ONE Discord message: the alert, a reminder or the recovery (as replies). */
export async function deliver(event: MonitorEvent, ctx: JobContext): Promise<void> {
  const channel = ctx.config.discord.alertChannelId;
  const { incident } = event;
  if (!channel) {
    ctx.logger.warn(
      { event: event.kind, incident: incident.id },
      'Plex health changed; set DISCORD_ALERT_CHANNEL_ID to be told in Discord',
    );
    return;
  }
  const replyTo = incident.alertMessageId ?? undefined;
  if (event.kind === 'down') {
    const messageId = await ctx.notify(channel, alertReply(incident, await diagnose(ctx), ctx));
    ctx.services.store.updateIncident(incident.id, { alertChannelId: channel, alertMessageId: messageId });
  } else if (event.kind === 'reminder') {
    await ctx.notify(channel, { content: reminderText(incident, event.probe.at) }, replyTo);
  } else {
    await ctx.notify(
      channel,
      { embeds: [recoveryEmbed(incident, event.downtimeMs, event.probe.version)] },
      replyTo,
    );
  }
}

/** Probes Plex every PLEX_POLL_INTERVAL seconds and reports incidents. */
export const plexMonitor: Job = {
  name: 'plex-monitor',
  pattern: (config) => (config.plex.url ? { everySeconds: config.monitor.pollIntervalS } : null),
  async run(ctx) {
    const probe = await ctx.services.monitor.probe();
    const event = ctx.services.monitor.record(probe);
    if (event) {
      ctx.logger.info(
        { event: event.kind, incident: event.incident.id, reason: probe.reason },
        'Plex health changed',
      );
      await deliver(event, ctx);
    }
  },
};
