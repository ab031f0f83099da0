/**
 * Runs the Plex and Tautulli fakes in a child process (started with `fork`), so a benchmark measures the
 * bot's own work while the fakes — separate servers in production — use the other core.
 */
import { generateHistory, generateLibrary } from '../fakes/library.ts';
import type { GenerateHistoryOptions, GenerateLibraryOptions, HistoryUser } from '../fakes/library.ts';
import { startPlexFake } from '../fakes/plex.ts';
import { tautulliUsers } from '../fakes/tautulli-history.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';

export interface FakeServersSpec {
  library: GenerateLibraryOptions;
  users: HistoryUser[];
  history: GenerateHistoryOptions;
}

const spec = JSON.parse(process.env.FAKE_SERVERS_SPEC ?? '{}') as FakeServersSpec;
const lib = generateLibrary(spec.library);
const history = generateHistory(lib, spec.users, spec.history);
const plex = await startPlexFake(lib);
const tautulli = await startTautulliFake(FAKE_TAUTULLI_API_KEY, {
  history,
  users: tautulliUsers(spec.users),
});
const counts = () => ({ plex: plex.requests.length, tautulli: tautulli.requests.length });
process.on('message', (message: string) => {
  if (message === 'counts') process.send?.({ counts: counts() });
  if (message === 'stop') void Promise.all([plex.close(), tautulli.close()]).then(() => process.exit(0));
});
process.send?.({
  ready: { plexUrl: plex.url, plexToken: plex.token, tautulliUrl: tautulli.url },
  counts: counts(),
});
