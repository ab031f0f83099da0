/**
 * `npm run bench`: start-up to ready, idle memory and `/alex usage` round trips, against the local fake
 * Discord and fake Tautulli. Prints a table and writes bench/results/latest.json. Not a test: numbers are
 * reported, not asserted.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { startFakeDiscord } from '../test/fakes/discord/index.ts';
import type { FakeDiscord } from '../test/fakes/discord/index.ts';
import { sampleActivity } from '../test/fakes/tautulli-sessions.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../test/fakes/tautulli.ts';
import type { TautulliFake } from '../test/fakes/tautulli.ts';
import { startHarness } from '../test/helpers/harness.ts';

const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 300);
const STARTS = Number(process.env.BENCH_STARTS ?? 5);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kib / 1024;
}

/** The production entry (compiled JS) as a child process: spawn → "connected to Discord", then idle RSS. */
async function childStart(
  discord: FakeDiscord,
  tautulli: TautulliFake,
): Promise<{ readyMs: number; idleRssMiB: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/src/index.js'], {
    env: {
      PATH: process.env.PATH,
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.restApi,
      TAUTULLI_URL: tautulli.url,
      TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
      DATA_DIR: '/tmp/autoalex-bench',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  let readyMs = Number.NaN;
  for await (const line of lines) {
    if (line.includes('connected to Discord')) {
      readyMs = performance.now() - started;
      break;
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idleRssMiB = rssMiB(child.pid as number);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { readyMs, idleRssMiB };
}

async function roundTrips(): Promise<number[]> {
  const h = await startHarness({ env: { LOG_LEVEL: 'warn' } });
  h.tautulli.activity = sampleActivity() as TautulliFake['activity'];
  const times: number[] = [];
  try {
    for (let i = 0; i < ROUND_TRIPS + 20; i++) {
      const started = performance.now();
      const interaction = await h.discord.slashCommand({ name: 'alex', subcommand: 'usage' });
      await h.discord.waitForRequest(
        (r) => r.method === 'PATCH' && r.path.endsWith(`/${interaction.token}/messages/@original`),
        10_000,
      );
      if (i >= 20) times.push(performance.now() - started); // the first 20 warm up the JIT and caches
    }
  } finally {
    await h.stop();
  }
  return times;
}

console.log('building dist/ (production entry point)…');
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});

const discord = await startFakeDiscord();
const tautulli = await startTautulliFake();
tautulli.activity = sampleActivity() as TautulliFake['activity'];
const starts: Array<{ readyMs: number; idleRssMiB: number }> = [];
for (let i = 0; i < STARTS; i++) starts.push(await childStart(discord, tautulli));
await discord.stop();
await tautulli.close();

const trips = await roundTrips();
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  startToReadyMs: {
    median: percentile(
      starts.map((s) => s.readyMs),
      50,
    ),
    max: Math.max(...starts.map((s) => s.readyMs)),
    runs: STARTS,
  },
  idleRssMiB: {
    median: percentile(
      starts.map((s) => s.idleRssMiB),
      50,
    ),
    max: Math.max(...starts.map((s) => s.idleRssMiB)),
  },
  usageRoundTripMs: {
    p50: percentile(trips, 50),
    p95: percentile(trips, 95),
    max: Math.max(...trips),
    n: trips.length,
  },
};

const row = (name: string, value: string) => `| ${name.padEnd(44)} | ${value.padStart(22)} |`;
console.log(
  [
    row('measure', 'result'),
    row('-'.repeat(44), '-'.repeat(22)),
    row(
      `start-up → ready (node dist, ${STARTS} runs)`,
      `median ${results.startToReadyMs.median.toFixed(0)} ms, max ${results.startToReadyMs.max.toFixed(0)} ms`,
    ),
    row('idle RSS 3 s after ready', `median ${results.idleRssMiB.median.toFixed(1)} MiB`),
    row(`/alex usage round trip (n=${trips.length})`, `p50 ${results.usageRoundTripMs.p50.toFixed(1)} ms`),
    row('', `p95 ${results.usageRoundTripMs.p95.toFixed(1)} ms`),
  ].join('\n'),
);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', JSON.stringify(results, null, 2));
console.log('written to bench/results/latest.json');
