import { within } from '../within.ts';
import { alertReply } from '../components/monitor.ts';
import { UpstreamError } from '../errors.ts';
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

/**
 * Posts what the alert channel has not been told yet, one message per incident: the alert, or the recovery
 * (as a reply to the alert when there was one). A post Discord did not take (5xx after discord.js's own
 * retries, a crash before the post) stays pending, in the database when it can be used, and is tried again
 * on later ticks, waiting twice as long each time; a restarted bot finds it there and posts it.
 */
export async function deliverNotices(ctx: JobContext): Promise<void> {
  const { monitor } = ctx.services;
  const channel = ctx.config.discord.alertChannelId;
  for (const incident of monitor.dueNotices(Date.now())) {
    const kind = incident.noticePending;
    if (!channel) {
      ctx.logger.warn(
        { event: kind === 'alert' ? 'down' : 'up', incident: incident.id },
        'Plex health changed; set DISCORD_ALERT_CHANNEL_ID to be told in Discord',
      );
      monitor.delivered(incident.id);
      continue;
    }
    const tried = Date.now();
    const messageId =
      kind === 'alert'
        ? await ctx.notify(channel, alertReply(incident, await diagnose(ctx), ctx, monitor.storeProblem()))
        : await ctx.notify(
            channel,
            {
              embeds: [
                recoveryEmbed(
                  incident,
                  (incident.endedAt ?? tried) - incident.startedAt,
                  monitor.lastProbe()?.version,
                ),
              ],
            },
            incident.alertMessageId ?? undefined,
          );
    if (messageId === null) {
      monitor.deliveryFailed(incident.id, tried);
      ctx.logger.warn({ incident: incident.id, notice: kind }, 'Plex notice not posted; will try again');
      continue;
    }
    monitor.delivered(incident.id, kind === 'alert' ? { channelId: channel, messageId } : undefined);
    ctx.logger.info({ incident: incident.id, notice: kind, messageId }, 'Plex notice posted');
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
    }
    const channel = ctx.config.discord.alertChannelId;
    // A reminder is not kept when its post fails: the next one follows. None before the alert is out.
    if (event?.kind === 'reminder' && channel && event.incident.noticePending === null) {
      const { incident } = event;
      await ctx.notify(
        channel,
        { content: reminderText(incident, probe.at) },
        incident.alertMessageId ?? undefined,
      );
    }
    await deliverNotices(ctx);
  },
};
