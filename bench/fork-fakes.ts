import { fork } from 'node:child_process';
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
