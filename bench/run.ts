/**
 * `npm run bench [-- name…]`: runs the benchmarks (all by default: startup, autocomplete, completion),
 * prints a table for each and writes bench/results/latest.json. Numbers are reported, not asserted.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { benchCards } from './cards.ts';
import { benchAutocomplete } from './autocomplete.ts';
import { benchCompletion } from './library.ts';
import { benchEnrich } from './enrich.ts';
import { benchHistory } from './history.ts';
import { benchLeaderboard } from './leaderboard.ts';
import { benchMonitor } from './monitor.ts';
import { benchPlaylistSync } from './playlist.ts';
import { benchRemix } from './remix.ts';
import { benchStartupAndUsage } from './startup-usage.ts';

const BENCHES: Record<string, () => Promise<unknown>> = {
  startup: benchStartupAndUsage,
  autocomplete: benchAutocomplete,
  completion: benchCompletion,
  cards: benchCards,
  leaderboard: benchLeaderboard,
  monitor: benchMonitor,
  enrich: benchEnrich,
  // Reports the process's peak RSS: run it alone (`npm run bench -- playlist`) for a clean figure.
  playlist: benchPlaylistSync,
  remix: benchRemix,
  history: benchHistory,
};

const wanted = process.argv.slice(2).filter((name) => name in BENCHES);
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
};
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES))
  results[name] = await (BENCHES[name] as () => Promise<unknown>)();
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', JSON.stringify(results, null, 2));
console.log('\nwritten to bench/results/latest.json');
