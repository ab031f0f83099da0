import { createInterface } from 'node:readline/promises';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { replyToText } from '../src/reply-text.ts';
import { runCommandLine } from '../src/run-command.ts';
import { createServices } from '../src/services/index.ts';
import { sampleActivity } from '../test/fakes/tautulli-sessions.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../test/fakes/tautulli.ts';

/**
 * `npm run demo`: Autoalex against built-in sample servers (Tautulli serving real fixture bodies and
 * sample streams), no credentials needed. Type `/alex usage` or `!alex usage`; `npm run demo -- "/alex
 * usage"` runs one line and exits.
 */
const tautulli = await startTautulliFake();
tautulli.activity = sampleActivity() as typeof tautulli.activity;

const config = loadConfig(
  {
    TAUTULLI_URL: tautulli.url,
    TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
    DATA_DIR: '.demo-data',
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
  console.log('Try: /alex usage · !alex usage · !plex usage · /alex help   (Ctrl+D or "exit" to quit)\n');
  const prompt = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ' });
  prompt.prompt();
  for await (const line of prompt) {
    if (/^(exit|quit)$/i.test(line.trim())) break;
    if (line.trim()) await run(line);
    prompt.prompt();
  }
  prompt.close();
}
await tautulli.close();
