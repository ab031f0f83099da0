import { fork } from 'node:child_process';
import { loadConfig } from '../src/config.ts';
import type { Config } from '../src/config.ts';
import type { LibArtist, Library } from '../fakes/library.ts';
import { FAKE_TAUTULLI_API_KEY } from '../fakes/tautulli.ts';
import type { FakeServersSpec } from './fake-servers.ts';

/** Starts bench/fake-servers.ts in a child process and talks to it over IPC. */
export async function forkFakeServers(spec: FakeServersSpec) {
  const child = fork(new URL('./fake-servers.ts', import.meta.url), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, FAKE_SERVERS_SPEC: JSON.stringify(spec) },
  });
  const next = <T>() => new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T)));
  const { ready } = await next<{ ready: { plexUrl: string; plexToken: string; tautulliUrl: string } }>();
  return {
    ...ready,
    async counts() {
      child.send('counts');
      return (await next<{ counts: { plex: number; tautulli: number } }>()).counts;
    },
    stop: () => new Promise<void>((resolve) => (child.send('stop'), child.once('exit', () => resolve()))),
  };
}

/** The bot's configuration for the forked fakes, as the CLI would load it (a generous timeout for big pages). */
export function configFor(servers: Awaited<ReturnType<typeof forkFakeServers>>): Config {
  return loadConfig(
    {
      PLEX_URL: servers.plexUrl,
      PLEX_TOKEN: servers.plexToken,
      TAUTULLI_URL: servers.tautulliUrl,
      TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
      UPSTREAM_TIMEOUT: '60',
    },
    'cli',
  );
}

/** The artist with the most history rows and the median one (the two cases the listening benches time), and each artist's row count. */
export function busiestAndMedian(
  lib: Library,
  history: ReadonlyArray<{ grandparent_rating_key: unknown }>,
): { busiest: LibArtist; median: LibArtist; rows: Map<string, number> } {
  const rows = new Map<string, number>();
  for (const row of history) {
    const key = String(row.grandparent_rating_key);
    rows.set(key, (rows.get(key) ?? 0) + 1);
  }
  const byRows = [...lib.artists].sort((a, b) => (rows.get(b.ratingKey) ?? 0) - (rows.get(a.ratingKey) ?? 0));
  return { busiest: byRows[0]!, median: byRows[Math.floor(byRows.length / 2)]!, rows };
}
