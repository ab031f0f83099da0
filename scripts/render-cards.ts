import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommandLine } from '../src/cli/run-command.ts';
import { startDemoServers } from './demo-servers.ts';

/**
 * `npx tsx scripts/render-cards.ts [dir]`: renders the README's example cards through the real commands,
 * against the sample servers and data of `npm run demo`, into `dir` or a new temporary folder. The
 * committed pictures in docs/images are replaced only when asked: `--docs`.
 */
const arg = process.argv[2];
const out = arg === '--docs' ? 'docs/images' : (arg ?? mkdtempSync(join(tmpdir(), 'autoalex-cards-')));

const { deps, close } = await startDemoServers('cards');

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
await close();
