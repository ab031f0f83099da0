import { plexMonitor } from '../src/jobs/plex-monitor.ts';
import type { JobContext } from '../src/jobs/types.ts';
import { replyToText } from '../src/reply-text.ts';
import { PLEX_CONTAINER_NAME, plexCrashLogs } from '../fakes/docker.ts';
import type { startDemoServers } from './demo-servers.ts';

type Demo = Awaited<ReturnType<typeof startDemoServers>>;

/**
 * The demo's `crash`: Plex Media Server dies inside its container (the sample engine's log gains the crash,
 * its health check turns unhealthy, Plex stops answering), the real monitor job notices over as many checks
 * as PLEX_FAILURE_THRESHOLD and posts its alert; then Plex comes back and the monitor posts the recovery.
 * The posts are printed here, where the bot would send them to DISCORD_ALERT_CHANNEL_ID.
 */
export async function crashAndRecover(demo: Demo, print: (text: string) => void): Promise<void> {
  let posted = 0;
  const ctx: JobContext = {
    ...demo.deps,
    async notify(_channel, reply, replyTo) {
      print(`[alert channel${replyTo ? `, replying to post #${replyTo}` : ''}]\n${replyToText(reply)}`);
      return String(++posted);
    },
  };
  const container = demo.docker.containers.get(PLEX_CONTAINER_NAME);
  if (!container) throw new Error('the sample Docker engine has no Plex container');
  const healthy = container.health;
  container.logs.push(...plexCrashLogs(new Date()));
  container.health = 'unhealthy';
  demo.plex.failure = { kind: 'down' };
  const checks = demo.deps.config.monitor.failureThreshold;
  print(`Plex Media Server crashed; the monitor checks ${checks} time(s)…`);
  for (let i = 0; i < checks; i++) await plexMonitor.run(ctx);
  container.health = healthy;
  demo.plex.failure = { kind: 'none' };
  print('…Plex is started again; the next check:');
  await plexMonitor.run(ctx);
}
