/**
 * Preloaded into the production bot by the autocomplete benchmark (`node --import bench/loop-probe.mjs
 * dist/src/index.js`): every 100 ms it writes the process's RSS and the longest event-loop delay of that
 * window (monitorEventLoopDelay, 10 ms resolution) to stderr as one `LOOP-PROBE {…}` line. The bot itself
 * is not changed; the probe's timer is unref'd so it never keeps the process alive.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import process from 'node:process';
import { setInterval } from 'node:timers';

const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
setInterval(() => {
  const line = { t: Date.now(), rssMiB: process.memoryUsage.rss() / 2 ** 20, stallMs: histogram.max / 1e6 };
  histogram.reset();
  process.stderr.write(`LOOP-PROBE ${JSON.stringify(line)}\n`);
}, 100).unref();
