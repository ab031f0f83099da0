/**
 * Issue 19: the library index at 25k, 100k and 400k tracks. For each size, with the Plex and Tautulli fakes
 * in a forked process:
 * - the production bot (`dist/src/index.js`, a child process with bench/loop-probe.mjs preloaded) builds
 *   its index at start and rebuilds it on the LIBRARY_REFRESH_MINUTES=1 schedule: RSS after the first build
 *   (steady), RSS peak during the rebuild, and the longest event-loop stall during build and rebuild once
 *   the bot is connected to Discord (start-up before that is reported on its own);
 * - in this process, over an index built from the same fake: autocomplete latency (p50/p99 over 3,000
 *   typed prefixes) and, at the largest size, `/alex completion artist:<typo>` with an index older than
 *   the old five-minute rebuild-on-miss threshold;
 * - at 100k, whether the bot survives its build with `--max-old-space-size=192`.
 * BENCH_ROOT=<checkout> measures another checkout's code (its dist/ and src/) with this harness, for
 * before/after tables; BENCH_SIZES=25000,100000 picks sizes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import type { FakeDiscord } from '../fakes/discord/index.ts';
import { createRng, generateLibrary } from '../fakes/library.ts';
import type { GenerateLibraryOptions, Library } from '../fakes/library.ts';
import type { EntryKind } from '../src/services/library/library-index.ts';
import type * as IndexModule from '../src/services/library/library-index.ts';
import type * as PlexModule from '../src/services/plex/client.ts';
import type * as ChoicesModule from '../src/lookup/choices.ts';
import type * as LoggerModule from '../src/logger.ts';
import type * as ServicesModule from '../src/services/index.ts';
import type * as RunCommandModule from '../src/cli/run-command.ts';
import type * as CompletionModule from '../src/commands/completion.ts';
import { FAKE_TAUTULLI_API_KEY } from '../fakes/tautulli.ts';
import type { FakeServersSpec } from './fake-servers.ts';
import { configFor, forkFakeServers } from './fork-fakes.ts';
import { percentile, printTable } from './stats.ts';
import type { Row } from './stats.ts';

type Servers = Awaited<ReturnType<typeof forkFakeServers>>;

const ROOT = resolve(process.env.BENCH_ROOT ?? '.');
const SIZES = (process.env.BENCH_SIZES ?? '25000,100000,400000').split(',').map(Number);
/** The bot rebuilds every minute; a rebuild may wait for the next minute boundary after a long build. */
const REBUILD_WAIT_MS = 200_000;
/** The probe's resolution and its line's own delay: a stall is placed to within this. */
const STALL_SLACK_MS = 20;
/** How long after a build its memory still counts toward that build's peak. */
const SWAP_TAIL_MS = 1000;
const USER = { userId: 7, friendlyName: 'Bench Listener', username: 'bench' };

/** Generator settings for about `tracks` tracks (3–4 albums of 9–10 tracks per artist: ≈ 33.25 per artist). */
function librarySpec(tracks: number): GenerateLibraryOptions {
  return {
    artists: Math.round(tracks / 33.25),
    albumsPerArtist: [3, 4],
    tracksPerAlbum: [9, 10],
    seed: 1,
    includeFixtures: false,
  };
}

const load = () => loadavg()[0]?.toFixed(2) ?? '?';

async function fromRoot<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(join(ROOT, path)).href)) as T;
}

/** Realistic autocomplete input: prefixes of real names as they are typed, lower case, without accents, typos. */
function queries(lib: Library, count: number): Array<[EntryKind, string]> {
  const rng = createRng(99);
  const pools: Record<EntryKind, readonly { title: string }[]> = {
    artist: lib.artists,
    album: lib.albums,
    track: lib.tracks,
  };
  const out: Array<[EntryKind, string]> = [];
  const kinds: EntryKind[] = ['artist', 'album', 'track'];
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % 3] as EntryKind;
    const pool = pools[kind];
    const name = (pool[Math.floor(rng.next() * pool.length)] as { title: string }).title
      .normalize('NFKD')
      .replace(/\p{M}/gu, '');
    const roll = rng.next();
    let q = name.slice(0, 1 + Math.floor(rng.next() * Math.min(12, name.length)));
    if (roll < 0.15) q = q.toLowerCase();
    else if (roll < 0.25 && q.length > 3)
      q = q.slice(0, 1) + q.slice(2); // a dropped letter
    else if (roll < 0.3) q = 'zqxj'.slice(0, 1 + Math.floor(rng.next() * 4)); // no match at all
    out.push([kind, q]);
  }
  return out;
}

interface Sample {
  t: number;
  rssMiB: number;
  stallMs: number;
}

interface BotRun {
  builds: Array<{ start: number; end: number; ms: number }>;
  /** When the bot logged "connected to Discord": from then on an interaction can arrive. */
  connectedAt: number;
  samples: Sample[];
  /** How the bot ended on its own (a crash, heap exhaustion), or null when the bench stopped it. */
  exitCode: number | null;
  stderrTail: string[];
}

/** Runs the production bot until it has built its index `builds` times (or died, or the wait ran out). */
async function runBot(
  servers: Servers,
  discord: FakeDiscord,
  builds: number,
  nodeArgs: string[] = [],
): Promise<BotRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'autoalex-bench-'));
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', resolve('bench/loop-probe.mjs'), join(ROOT, 'dist/src/index.js')],
    {
      env: {
        PATH: process.env.PATH,
        DISCORD_TOKEN: discord.token,
        DISCORD_CLIENT_ID: discord.applicationId,
        DISCORD_API_URL: discord.restApi,
        PLEX_URL: servers.plexUrl,
        PLEX_TOKEN: servers.plexToken,
        TAUTULLI_URL: servers.tautulliUrl,
        TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
        UPSTREAM_TIMEOUT: '60',
        LIBRARY_REFRESH_MINUTES: '1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const run: BotRun = {
    builds: [],
    connectedAt: Number.NaN,
    samples: [],
    exitCode: null,
    stderrTail: [],
  };
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (line.startsWith('LOOP-PROBE ')) run.samples.push(JSON.parse(line.slice(11)) as Sample);
    else run.stderrTail = [...run.stderrTail.slice(-20), line];
  });
  const exited = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      run.exitCode = code;
      if (signal) run.stderrTail.push(`killed by ${signal}`);
      done();
    }),
  );
  const built = new Promise<void>((done) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('connected to Discord'))
        run.connectedAt = (JSON.parse(line) as { time: number }).time;
      if (!line.includes('library index built')) return;
      const log = JSON.parse(line) as { time: number; ms: number };
      run.builds.push({ start: log.time - log.ms, end: log.time, ms: log.ms });
      if (run.builds.length >= builds) done();
    });
  });
  const timeout = new Promise<void>((done) => setTimeout(done, REBUILD_WAIT_MS + 120_000).unref());
  await Promise.race([built, exited, timeout]);
  // A second of samples after the last build, for the steady figure.
  await Promise.race([new Promise((done) => setTimeout(done, 1500)), exited]);
  // The bench's own SIGTERM ends with exit 0: that is not the bot dying, so it is not recorded.
  const endedOnItsOwn = child.exitCode !== null || child.signalCode !== null;
  if (!endedOnItsOwn) {
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
  return { ...run, exitCode: endedOnItsOwn ? (run.exitCode ?? -1) : null };
}

/**
 * The longest stall and the RSS peak of the probe windows inside a build. A stall counts when it began after
 * the build did and after the bot connected to Discord (before that no interaction can arrive; the first
 * build starts with the process, beside start-up work: loading code, opening the database, the Docker
 * client's first import). The probe writes its line as soon as the loop is free again, so a stall began
 * about `stallMs` before its line. Start-up stalls are reported on their own (startupStall).
 */
function during(run: BotRun, build: { start: number; end: number } | undefined) {
  if (!build) return { stallMs: Number.NaN, rssPeakMiB: Number.NaN };
  const from = Math.max(build.start, run.connectedAt);
  const inside = run.samples.filter((s) => s.t >= build.start && s.t - 100 <= build.end);
  const begunInside = inside.filter((s) => s.t - s.stallMs >= from - STALL_SLACK_MS);
  // The peak also counts the second after the swap, while the old index and the build's last arrays live.
  const withSwap = run.samples.filter((s) => s.t >= build.start && s.t <= build.end + SWAP_TAIL_MS);
  return {
    stallMs: Math.max(0, ...begunInside.map((s) => s.stallMs)),
    rssPeakMiB: Math.max(0, ...withSwap.map((s) => s.rssMiB)),
  };
}

/** The longest stall that began before the bot was connected to Discord: start-up. */
function startupStall(run: BotRun): number {
  const before = run.samples.filter((s) => s.t - s.stallMs < run.connectedAt - STALL_SLACK_MS);
  return Math.max(0, ...before.map((s) => s.stallMs));
}

/** RSS in the quiet time after the first build: the last sample before the rebuild starts. */
function steadyRss(run: BotRun): number {
  const [first, second] = run.builds;
  if (!first) return Number.NaN;
  const quiet = run.samples.filter((s) => s.t > first.end + 500 && (!second || s.t < second.start));
  return quiet.at(-1)?.rssMiB ?? Number.NaN;
}

async function inProcess(servers: Servers, lib: Library, typo: boolean) {
  const { createLibraryIndex } = await fromRoot<typeof IndexModule>('src/services/library/library-index.ts');
  const { createPlexService } = await fromRoot<typeof PlexModule>('src/services/plex/client.ts');
  const { libraryChoices } = await fromRoot<typeof ChoicesModule>('src/lookup/choices.ts');
  const { createSilentLogger } = await fromRoot<typeof LoggerModule>('src/logger.ts');
  const logger = createSilentLogger();
  const plex = createPlexService({
    baseUrl: servers.plexUrl,
    token: servers.plexToken,
    timeoutMs: 60_000,
    logger,
  });
  const index = createLibraryIndex({ plex, logger, sections: [] });
  const before = liveMiB();
  await index.refresh().catch((error: unknown) => {
    console.log('in-process build failed once, retrying:', error);
    return index.refresh();
  });
  const indexMiB = liveMiB() - before;
  const ctx = { services: { library: index } } as unknown as Parameters<typeof libraryChoices>[2];
  const all = queries(lib, 3000);
  for (const [kind, q] of all.slice(0, 300)) libraryChoices(kind, q, ctx); // warm-up
  const times: number[] = [];
  for (const [kind, q] of all) {
    const started = performance.now();
    libraryChoices(kind, q, ctx);
    times.push(performance.now() - started);
  }
  const out = {
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    typoLookupMs: Number.NaN,
    indexMiB,
  };
  if (typo) out.typoLookupMs = await typoLookup(servers, lib);
  return out;
}

/** Heap and array buffers still reachable after a full collection (`npm run bench` runs with --expose-gc). */
function liveMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 2 ** 20;
}

/** `/alex completion artist:<a dropped letter>` with an index six minutes old (the old rebuild-on-miss age). */
async function typoLookup(servers: Servers, lib: Library): Promise<number> {
  const { createServices } = await fromRoot<typeof ServicesModule>('src/services/index.ts');
  const { cliContext } = await fromRoot<typeof RunCommandModule>('src/cli/run-command.ts');
  const { completion } = await fromRoot<typeof CompletionModule>('src/commands/completion.ts');
  const { createSilentLogger } = await fromRoot<typeof LoggerModule>('src/logger.ts');
  const logger = createSilentLogger();
  const config = configFor(servers);
  const services = createServices(config, logger);
  await services.library.refresh();
  const artist = lib.artists.find((a) => a.title.length >= 8) ?? lib.artists[0]!;
  const typo = artist.title.slice(0, 3) + artist.title.slice(4);
  const realNow = Date.now;
  const skew = 6 * 60_000;
  Date.now = () => realNow() + skew;
  const started = performance.now();
  let answer: string;
  try {
    const reply = await completion.run(
      { artist: typo, user: String(USER.userId) },
      cliContext({ services, config, logger }),
    );
    answer = reply.content ?? '';
  } catch (error) {
    answer = error instanceof Error ? error.message : String(error);
  } finally {
    Date.now = realNow;
  }
  const ms = performance.now() - started;
  console.log(
    `typo “${typo}” (for “${artist.title}”) answered in ${ms.toFixed(0)} ms: ${answer.slice(0, 160)}`,
  );
  await services.library.refresh().catch(() => undefined); // let a background refresh finish before closing
  services.close();
  return ms;
}

export async function benchAutocomplete() {
  const discord = await startFakeDiscord();
  const result = {
    root: ROOT,
    tracks: {} as Record<string, number>,
    p50Ms: {} as Record<string, number>,
    indexMiB: {} as Record<string, number>,
    p99Ms: {} as Record<string, number>,
    rssSteadyMiB: {} as Record<string, number>,
    rssPeakMiB: {} as Record<string, number>,
    maxStallMs: {} as Record<string, number>,
    buildStallMs: {} as Record<string, number>,
    startupStallMs: {} as Record<string, number>,
    rebuildStallMs: {} as Record<string, number>,
    buildMs: {} as Record<string, number>,
    loadAverage: {} as Record<string, string>,
    typoLookupMs: {} as Record<string, number>,
    heapCapped192: {} as Record<string, { survived: boolean; rssPeakMiB: number; exitCode: number | null }>,
  };
  const rows: Row[] = [];
  const largest = Math.max(...SIZES);
  for (const size of SIZES) {
    const key = String(size);
    const spec: FakeServersSpec = {
      library: librarySpec(size),
      users: [USER],
      history: { playsPerUser: 100, seed: 3 },
    };
    const lib = generateLibrary(spec.library);
    const servers = await forkFakeServers(spec);
    const loadBefore = load();
    const bot = await runBot(servers, discord, 2);
    if (bot.builds.length < 2)
      console.log(`bot at ${size}: ${bot.builds.length} builds; stderr:`, bot.stderrTail);
    const build = during(bot, bot.builds[0]);
    const rebuild = during(bot, bot.builds[1]);
    const local = await inProcess(servers, lib, size === largest);
    let capped: (typeof result.heapCapped192)[string] | undefined;
    if (size === 100_000) {
      const run = await runBot(servers, discord, 1, ['--max-old-space-size=192']);
      capped = {
        survived: run.builds.length >= 1 && run.exitCode === null,
        rssPeakMiB: during(run, run.builds[0]).rssPeakMiB,
        exitCode: run.exitCode,
      };
      result.heapCapped192[key] = capped;
    }
    await servers.stop();
    const loadText = `${loadBefore} → ${load()}`;
    Object.assign(result.tracks, { [key]: lib.tracks.length });
    result.p50Ms[key] = local.p50Ms;
    result.indexMiB[key] = local.indexMiB;
    result.p99Ms[key] = local.p99Ms;
    result.rssSteadyMiB[key] = steadyRss(bot);
    result.rssPeakMiB[key] = rebuild.rssPeakMiB;
    result.buildStallMs[key] = build.stallMs;
    result.startupStallMs[key] = startupStall(bot);
    result.rebuildStallMs[key] = rebuild.stallMs;
    result.maxStallMs[key] = Math.max(build.stallMs, rebuild.stallMs);
    result.buildMs[key] = bot.builds[0]?.ms ?? Number.NaN;
    result.loadAverage[key] = loadText;
    if (size === largest) result.typoLookupMs[key] = local.typoLookupMs;
    rows.push(
      [
        `${lib.tracks.length} tracks: RSS after build / peak in rebuild`,
        `${result.rssSteadyMiB[key].toFixed(0)} / ${rebuild.rssPeakMiB.toFixed(0)} MiB`,
      ],
      [
        `${lib.tracks.length} tracks: longest stall build / rebuild (build took)`,
        `${build.stallMs.toFixed(0)} / ${rebuild.stallMs.toFixed(0)} ms (${result.buildMs[key].toFixed(0)} ms)`,
      ],
      [
        `${lib.tracks.length} tracks: start-up stall (before connecting to Discord)`,
        `${result.startupStallMs[key].toFixed(0)} ms`,
      ],
      [
        `${lib.tracks.length} tracks: the index itself (heap and arrays, in this process)`,
        `${local.indexMiB.toFixed(0)} MiB`,
      ],
      [
        `${lib.tracks.length} tracks: autocomplete p50 / p99`,
        `${local.p50Ms.toFixed(2)} / ${local.p99Ms.toFixed(2)} ms`,
      ],
      ...(size === largest
        ? ([
            [
              `${lib.tracks.length} tracks: typo lookup (index 6 min old)`,
              `${local.typoLookupMs.toFixed(0)} ms`,
            ],
          ] as Row[])
        : []),
      ...(capped
        ? ([
            [
              `${lib.tracks.length} tracks: build with --max-old-space-size=192`,
              capped.survived
                ? `survived (RSS peak ${capped.rssPeakMiB.toFixed(0)} MiB)`
                : capped.exitCode !== null
                  ? `died (exit ${capped.exitCode})`
                  : 'no build finished within the wait',
            ],
          ] as Row[])
        : []),
      [`${lib.tracks.length} tracks: load average (1 min) before → after`, loadText],
    );
  }
  await discord.stop();
  printTable(`Library index at scale (${ROOT === resolve('.') ? 'this checkout' : ROOT})`, rows);
  return result;
}
