/**
 * Issue 5: detection latency of the Plex monitor with a 1-second interval (default threshold 2): from Plex
 * going down to the alert recorded by the fake Discord, and from recovery to the "Plex is back" message.
 */
import { sendToChannel } from '../src/bot/channel.ts';
import { startJobs } from '../src/jobs/index.ts';
import { plexMonitor } from '../src/jobs/plex-monitor.ts';
import { createSilentLogger } from '../src/logger.ts';
import { generateLibrary } from '../fakes/library.ts';
import { startHarness } from '../test/helpers/harness.ts';
import { percentile, printTable } from './stats.ts';

const ROUNDS = 5;

export async function benchMonitor() {
  const library = generateLibrary({ artists: 3, albumsPerArtist: 1, tracksPerAlbum: 2 });
  const h = await startHarness({
    library,
    docker: true,
    env: { PLEX_POLL_INTERVAL: '1', PLEX_POLL_TIMEOUT: '1', LOG_LEVEL: 'warn' },
  });
  const logger = createSilentLogger();
  const stop = startJobs(
    {
      config: h.config,
      services: h.services,
      logger,
      notify: (c, r, to) => sendToChannel(h.bot.client, c, r, logger, to),
    },
    [plexMonitor],
  );
  const alertPath = `/channels/${h.discord.alertChannelId}/messages`;
  const waitFor = (title: string, since: number) =>
    h.discord.waitForRequest(
      (r) => r.seq > since && r.path === alertPath && r.json?.embeds?.[0]?.title === title,
      15_000,
    );
  const down: number[] = [];
  const up: number[] = [];
  try {
    await new Promise((resolve) => setTimeout(resolve, 1500)); // let a first good check pass
    for (let i = 0; i < ROUNDS; i++) {
      let since = h.discord.requests.at(-1)?.seq ?? 0;
      let started = performance.now();
      h.plex!.failure = { kind: 'status', status: 503 };
      await waitFor('🔴 Plex is down', since);
      down.push(performance.now() - started);
      since = h.discord.requests.at(-1)?.seq ?? 0;
      started = performance.now();
      h.plex!.failure = { kind: 'none' };
      await waitFor('🟢 Plex is back', since);
      up.push(performance.now() - started);
    }
  } finally {
    stop();
    await h.stop();
  }
  const result = {
    interval: 1,
    threshold: 2,
    downToAlertMs: { p50: percentile(down, 50), max: Math.max(...down) },
    upToRecoveryMs: { p50: percentile(up, 50), max: Math.max(...up) },
  };
  printTable(`Plex monitor (PLEX_POLL_INTERVAL=1, PLEX_FAILURE_THRESHOLD=2, ${ROUNDS} incidents)`, [
    [
      'Plex down → alert recorded (median)',
      `${result.downToAlertMs.p50.toFixed(0)} ms (max ${result.downToAlertMs.max.toFixed(0)} ms)`,
    ],
    [
      'Plex back → recovery message (median)',
      `${result.upToRecoveryMs.p50.toFixed(0)} ms (max ${result.upToRecoveryMs.max.toFixed(0)} ms)`,
    ],
  ]);
  return result;
}
