/** Issue 2: bot start-up to ready (production entry, child process), idle RSS, `/alex usage` round trips. */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import type { FakeDiscord } from '../fakes/discord/index.ts';
import { sampleActivity } from '../fakes/tautulli-sessions.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';
import type { TautulliFake } from '../fakes/tautulli.ts';
import { startHarness } from '../test/helpers/harness.ts';
import { percentile, printTable } from './stats.ts';

const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 300);
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const WARM_UP = 20;

function rssMiB(pid: number): number {
  const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kib / 1024;
}

/** `node dist/src/index.js` as a child: spawn → "connected to Discord", then RSS after 3 s idle. */
async function childStart(discord: FakeDiscord, tautulli: TautulliFake) {
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
  let readyMs = Number.NaN;
  for await (const line of createInterface({ input: child.stdout })) {
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

async function usageRoundTrips(): Promise<number[]> {
  const h = await startHarness({ env: { LOG_LEVEL: 'warn' } });
  h.tautulli.activity = sampleActivity() as TautulliFake['activity'];
  const times: number[] = [];
  try {
    for (let i = 0; i < ROUND_TRIPS + WARM_UP; i++) {
      const started = performance.now();
      const interaction = await h.discord.slashCommand({ name: 'alex', subcommand: 'usage' });
      await h.discord.waitForRequest(
        (r) => r.method === 'PATCH' && r.path.endsWith(`/${interaction.token}/messages/@original`),
        10_000,
      );
      if (i >= WARM_UP) times.push(performance.now() - started);
    }
  } finally {
    await h.stop();
  }
  return times;
}

export async function benchStartupAndUsage() {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
  const discord = await startFakeDiscord();
  const tautulli = await startTautulliFake();
  const starts = [];
  for (let i = 0; i < STARTS; i++) starts.push(await childStart(discord, tautulli));
  await discord.stop();
  await tautulli.close();
  const trips = await usageRoundTrips();
  const result = {
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
  printTable('Start-up and /alex usage (fake Discord + fake Tautulli, 3 streams with art)', [
    [
      `start-up → ready, node dist (median of ${STARTS})`,
      `${result.startToReadyMs.median.toFixed(0)} ms (max ${result.startToReadyMs.max.toFixed(0)} ms)`,
    ],
    ['idle RSS 3 s after ready (median)', `${result.idleRssMiB.median.toFixed(1)} MiB`],
    [`/alex usage round trip p50 (n=${trips.length})`, `${result.usageRoundTripMs.p50.toFixed(1)} ms`],
    ['/alex usage round trip p95', `${result.usageRoundTripMs.p95.toFixed(1)} ms`],
  ]);
  return result;
}
