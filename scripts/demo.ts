import { createInterface } from 'node:readline/promises';
import { replyToText } from '../src/reply-text.ts';
import { runCommandLine } from '../src/cli/run-command.ts';
import { crashAndRecover } from './demo-crash.ts';
import { DEMO_SEPARATOR_LABEL, startDemoServers } from './demo-servers.ts';
import { startWebDemo } from './demo-web.ts';

/**
 * `npm run demo`: Autoalex against built-in sample servers — Plex with a generated music library that
 * includes the fixture artists (Skrillex, System of a Down), Tautulli with real fixture bodies, sample
 * streams and a year of play history — no credentials needed. Type `/alex usage` or `!alex usage`;
 * `npm run demo -- "/alex usage"` runs one line and exits; `npm run demo -- --web [--port N]` serves a page
 * that draws the replies as Discord does, with autocomplete, cards, buttons and menus.
 */
const argv = process.argv.slice(2);
const web = argv.indexOf('--web');
const port = argv.indexOf('--port');
const portNumber = port >= 0 ? Number(argv[port + 1]) : undefined;
if (portNumber !== undefined && !(Number.isInteger(portNumber) && portNumber >= 0 && portNumber < 65_536)) {
  console.error('--port takes a port number, e.g. --port 8080');
  process.exit(2);
}
const lines = argv.filter((_, i) => i !== web && i !== port && (port < 0 || i !== port + 1));
const demo = await startDemoServers('demo');
const { deps, close } = demo;

async function run(line: string): Promise<void> {
  if (line.trim().toLowerCase() === 'crash') {
    await crashAndRecover(demo, (text) => console.log(`${text}\n`));
    return;
  }
  const { reply } = await runCommandLine(line, deps);
  const remix = /^\s*(?:\/alex\s+|!alex\s+|!plex\s+)?(?:boost|reduce)\b/i.test(line);
  console.log(`${remix ? `${DEMO_SEPARATOR_LABEL}\n` : ''}${replyToText(reply)}\n`);
}

if (web >= 0) {
  // Every remix answer says its stems are test tones, on the page as at the prompt.
  const page = await startWebDemo(deps, {
    port: portNumber,
    label: (reply, what) =>
      /^(boost|reduce|remix)$/.test(what)
        ? { ...reply, content: `${DEMO_SEPARATOR_LABEL}\n${reply.content ?? ''}`.trim() }
        : reply,
  });
  console.log(`Autoalex web demo: open ${page.url} (Ctrl+C to stop)`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await page.close();
} else if (lines.length > 0) {
  for (const line of lines) await run(line);
} else {
  console.log('Autoalex demo — sample Plex/Tautulli servers are running locally.');
  console.log(
    'Try: /alex usage · /alex completion Skrillex · /alex completion artist:"System of a Down" user:Alex',
  );
  console.log(
    '     /alex compare Skrillex user_a:Sam user_b:Alex · !plex help · crash (Plex dies, the monitor alerts)',
  );
  console.log('     (Ctrl+D or "exit" to quit)\n');
  const prompt = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ' });
  prompt.prompt();
  for await (const line of prompt) {
    if (/^(exit|quit)$/i.test(line.trim())) break;
    if (line.trim()) await run(line);
    prompt.prompt();
  }
  prompt.close();
}
await close();
