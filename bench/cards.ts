/**
 * Issue 9: rendering the image cards for an artist with 30 albums (target < 300 ms): the first render of
 * the process (fonts registered, covers fetched from Plex), then 20 renders with covers cached, median and
 * p95; the battle card likewise; and the whole `/alex completion` with card once everything is warm.
 */
import { completion } from '../src/commands/completion.ts';
import { createSilentLogger } from '../src/logger.ts';
import { createCoverService } from '../src/services/plex/covers.ts';
import { cliContext } from '../src/cli/run-command.ts';
import { createServices } from '../src/services/index.ts';
import { artistStats } from '../src/services/listening/stats.ts';
import { PLEX_TYPE } from '../src/services/plex/client.ts';
import { CARD_COVER_BUDGET_MS } from '../src/components/cards.ts';
import { renderBattleCard } from '../src/views/cards/battle-card.ts';
import { renderCompletionCard } from '../src/views/cards/completion-card.ts';
import {
  battleCardInput,
  battleThumbs,
  completionCardInput,
  completionThumbs,
  COVER_SIZE,
} from '../src/views/cards/inputs.ts';
import type { FakeServersSpec } from './fake-servers.ts';
import { configFor, forkFakeServers } from './fork-fakes.ts';
import { percentile, printTable } from './stats.ts';
import type { Row } from './stats.ts';

const RUNS = 20;
const logger = createSilentLogger();

/** Wall and CPU milliseconds of one call (CPU counts the libuv threads that compress the PNG too). */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { value, ms, cpuMs: (used.user + used.system) / 1000 };
}

async function repeat(work: () => Promise<unknown>) {
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await timed(work);
    ms.push(run.ms);
    cpu.push(run.cpuMs);
  }
  return { median: percentile(ms, 50), p95: percentile(ms, 95), cpuMedian: percentile(cpu, 50) };
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

export async function benchCards() {
  const users = [
    { userId: 7, friendlyName: 'Alex', username: 'alex' },
    { userId: 8, friendlyName: 'Sam', username: 'sam' },
  ];
  const spec: FakeServersSpec = {
    library: { artists: 2, albumsPerArtist: 30, tracksPerAlbum: 10, seed: 4, includeFixtures: false },
    users,
    history: { playsPerUser: [400, 250], seed: 5 },
  };
  const servers = await forkFakeServers(spec);
  const config = configFor(servers);
  const services = createServices(config, logger);
  await services.library.refresh();
  const [section] = await services.plex.musicSections();
  const [artist] = await services.plex.listSection(section!.id, PLEX_TYPE.artist);
  if (!artist) throw new Error('the bench library has no artist');
  const stats = await artistStats(services, { key: artist.ratingKey, title: artist.title }, ['7', '8']);
  const alex = stats.listeners.get('7')!;
  const sam = stats.listeners.get('8')!;
  const who = { title: artist.title, thumb: stats.artistThumb };

  // Cold: a fresh cover cache and the process's first card (font files registered on the way).
  const covers = createCoverService({
    baseUrl: servers.plexUrl,
    token: servers.plexToken,
    timeoutMs: 5000,
    logger,
  });
  const fetched = await timed(() =>
    covers.getMany(completionThumbs(who, alex), COVER_SIZE, CARD_COVER_BUDGET_MS),
  );
  const first = await timed(() =>
    renderCompletionCard(completionCardInput(who, 'Alex', alex, fetched.value)),
  );
  const input = completionCardInput(who, 'Alex', alex, fetched.value);
  const warm = await repeat(() => renderCompletionCard(input));
  const cachedPath = await repeat(async () =>
    renderCompletionCard(
      completionCardInput(
        who,
        'Alex',
        alex,
        await covers.getMany(completionThumbs(who, alex), COVER_SIZE, 1500),
      ),
    ),
  );
  const battleCovers = await covers.getMany(battleThumbs(who, alex, sam), COVER_SIZE, CARD_COVER_BUDGET_MS);
  const battleInput = battleCardInput(
    who,
    { name: 'Alex', stats: alex },
    { name: 'Sam', stats: sam },
    'a',
    battleCovers,
  );
  const battle = await repeat(() => renderBattleCard(battleInput));

  const ctx = cliContext({ services, config, logger });
  const run = () => completion.run({ artist: artist.ratingKey, user: 'Alex' }, ctx);
  const reply = await run(); // warms the plays cache and the service's cover cache
  if (reply.files?.[0]?.name !== 'completion.png') throw new Error(`no card: ${reply.content}`);
  const command = await repeat(run);
  services.close();
  await servers.stop();

  const albums = alex.albums.length;
  const rows: Row[] = [
    [`covers fetched cold from Plex (${fetched.value.size} of ${albums} albums + artist)`, fmt(fetched.ms)],
    ['completion card, first render of the process (fonts registered)', fmt(first.ms)],
    [`completion card, covers decoded from cache: median of ${RUNS}`, fmt(warm.median)],
    [`completion card: p95 of ${RUNS}`, fmt(warm.p95)],
    ['completion card: CPU time per render (median, all threads)', fmt(warm.cpuMedian)],
    [
      `completion card incl. cover-cache lookup: median / p95`,
      `${fmt(cachedPath.median)} / ${fmt(cachedPath.p95)}`,
    ],
    [`battle card (8 albums): median / p95 of ${RUNS}`, `${fmt(battle.median)} / ${fmt(battle.p95)}`],
    [`whole /alex completion with card, warm: median / p95`, `${fmt(command.median)} / ${fmt(command.p95)}`],
    ['completion card PNG size', `${(first.value.length / 1024).toFixed(0)} KiB`],
  ];
  printTable(
    `Image cards for an artist with ${albums} albums (1000 px wide; fakes in a separate process)`,
    rows,
  );
  return {
    albums,
    coldCoverFetchMs: fetched.ms,
    firstRenderMs: first.ms,
    completion: warm,
    completionWithCacheLookup: cachedPath,
    battle,
    command,
    pngBytes: first.value.length,
  };
}
