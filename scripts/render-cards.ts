import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { runCommandLine } from '../src/run-command.ts';
import { createServices } from '../src/services/index.ts';
import { generateHistory, generateLibrary, sampleUsers } from '../test/fakes/library.ts';
import { startPlexFake } from '../test/fakes/plex.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../test/fakes/tautulli.ts';

/**
 * `npx tsx scripts/render-cards.ts [dir]`: renders the README's example cards (docs/images by default)
 * through the real commands, against the sample servers and data of `npm run demo`.
 */
const out = process.argv[2] ?? 'docs/images';

// The same library and history as scripts/demo.ts.
const library = generateLibrary({ artists: 40, albumsPerArtist: [2, 6], tracksPerAlbum: [4, 12], seed: 1 });
const users = sampleUsers();
const history = generateHistory(library, users, {
  playsPerUser: users.map((u) => (u.friendlyName === 'Alex' ? 3000 : 800)),
});
const plex = await startPlexFake(library);
const tautulli = await startTautulliFake(FAKE_TAUTULLI_API_KEY, { history });
const config = loadConfig(
  {
    PLEX_URL: plex.url,
    PLEX_TOKEN: plex.token,
    TAUTULLI_URL: tautulli.url,
    TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'autoalex-cards-')),
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

// Two artists of the sample library with six albums each and plays by both users: a Japanese name for the
// completion card (bundled CJK font), a close battle for the compare card.
const COMPLETION_ARTIST = '坂本龍一';
const BATTLE_ARTIST = 'Jóhann Jóhannsson';

mkdirSync(out, { recursive: true });
for (const [line, file] of [
  [`/alex completion artist:"${COMPLETION_ARTIST}" user:Alex`, 'completion-card.png'],
  [`/alex compare artist:"${BATTLE_ARTIST}" user_a:Alex user_b:Sam`, 'compare-card.png'],
] as const) {
  const { reply, ok } = await runCommandLine(line, deps);
  const card = reply.files?.find((f) => f.name.endsWith('.png'));
  if (!ok || !card) throw new Error(`${line}: no card (${reply.content ?? 'no reply'})`);
  writeFileSync(join(out, file), card.data);
  console.log(`${line} → ${join(out, file)} (${card.data.length} bytes)`);
}
deps.services.close();
await Promise.all([tautulli.close(), plex.close()]);
