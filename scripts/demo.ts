import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { replyToText } from '../src/reply-text.ts';
import { runCommandLine } from '../src/run-command.ts';
import { createServices } from '../src/services/index.ts';
import { generateHistory, generateLibrary, sampleUsers } from '../test/fakes/library.ts';
import { startPlexFake } from '../test/fakes/plex.ts';
import { sampleActivity } from '../test/fakes/tautulli-sessions.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../test/fakes/tautulli.ts';

/**
 * `npm run demo`: Autoalex against built-in sample servers — Plex with a generated music library that
 * includes the fixture artists (Skrillex, System of a Down), Tautulli with real fixture bodies, sample
 * streams and a year of play history — no credentials needed. Type `/alex usage` or `!alex usage`;
 * `npm run demo -- "/alex usage"` runs one line and exits.
 */
const library = generateLibrary({ artists: 40, albumsPerArtist: [2, 6], tracksPerAlbum: [4, 12], seed: 1 });
const users = sampleUsers();
const history = generateHistory(library, users, {
  playsPerUser: users.map((u) => (u.friendlyName === 'Alex' ? 3000 : 800)),
});
const plex = await startPlexFake(library);
const tautulli = await startTautulliFake(FAKE_TAUTULLI_API_KEY, { history });
tautulli.activity = sampleActivity() as typeof tautulli.activity;

const config = loadConfig(
  {
    PLEX_URL: plex.url,
    PLEX_TOKEN: plex.token,
    TAUTULLI_URL: tautulli.url,
    TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'autoalex-demo-')),
    LOG_LEVEL: 'warn',
  },
  'cli',
);
const logger = createLogger({
  level: 'warn',
  secrets: config.secrets,
  destination: pino.destination({ dest: 2, sync: true }),
});
const deps = { config, services: createServices(config, logger), logger };

async function run(line: string): Promise<void> {
  const { reply } = await runCommandLine(line, deps);
  console.log(`${replyToText(reply)}\n`);
}

const lines = process.argv.slice(2);
if (lines.length > 0) {
  for (const line of lines) await run(line);
} else {
  console.log('Autoalex demo — sample Plex/Tautulli servers are running locally.');
  console.log(
    'Try: /alex usage · /alex completion Skrillex · /alex completion artist:"System of a Down" user:Alex',
  );
  console.log(
    '     /alex compare Skrillex user_a:Sam user_b:Alex · !plex help   (Ctrl+D or "exit" to quit)\n',
  );
  const prompt = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ' });
  prompt.prompt();
  for await (const line of prompt) {
    if (/^(exit|quit)$/i.test(line.trim())) break;
    if (line.trim()) await run(line);
    prompt.prompt();
  }
  prompt.close();
}
deps.services.close();
await Promise.all([tautulli.close(), plex.close()]);
