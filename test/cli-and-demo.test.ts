import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleActivity } from '../fakes/tautulli-sessions.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';
import type { TautulliFake } from '../fakes/tautulli.ts';

const exec = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
let tautulli: TautulliFake;

async function run(script: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const configured = () => ({ TAUTULLI_URL: tautulli.url, TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY });

beforeAll(async () => {
  tautulli = await startTautulliFake();
  tautulli.activity = sampleActivity() as TautulliFake['activity'];
});
afterAll(() => tautulli.close());

describe('autoalex CLI', () => {
  it('prints the usage reply as readable text', async () => {
    const { code, stdout } = await run('src/cli/index.ts', ['usage'], configured());
    expect(code).toBe(0);
    expect(stdout).toContain('Now playing on Plex · 3 streams');
    expect(stdout).toContain('┌ ▶️ Skrillex – Try It Out – Try It Out (Neon mix)');
    expect(stdout).toContain('│   Transcode (audio flac → mp3, container flac → mp3)');
    expect(stdout).toContain('└ 3 streams (1 transcode) · 26.7 Mbps total');
  });

  it('prints the Reply as JSON with --json', async () => {
    const { code, stdout } = await run('src/cli/index.ts', ['usage', '--json'], configured());
    expect(code).toBe(0);
    const reply = JSON.parse(stdout) as {
      embeds: Array<{ title: string }>;
      files: Array<{ name: string; size: number }>;
    };
    expect(reply.embeds).toHaveLength(3);
    expect(reply.files[0]).toMatchObject({
      name: expect.stringMatching(/^art-\d\.png$/),
      size: expect.any(Number),
    });
  });

  it('lists configuration problems and exits non-zero without a stack trace', async () => {
    const { code, stderr } = await run('src/cli/index.ts', ['usage'], { TAUTULLI_URL: 'not a url' });
    expect(code).toBe(2);
    expect(stderr).toContain('TAUTULLI_URL must be an http:// or https:// URL');
    expect(stderr).toContain('TAUTULLI_API_KEY is required but not set');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('explains an unreachable Tautulli and exits 1', async () => {
    const { code, stdout } = await run('src/cli/index.ts', ['usage'], {
      TAUTULLI_URL: 'http://127.0.0.1:9',
      TAUTULLI_API_KEY: 'k',
    });
    expect(code).toBe(1);
    expect(stdout.trim()).toBe('Tautulli is unreachable right now. Is it running, and is its URL right?');
  });
});

describe('the bot entry point', () => {
  it('refuses a bad configuration with one message listing every problem, and never echoes secrets', async () => {
    const secret = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.secret.value';
    const { code, stderr, stdout } = await run('src/index.ts', [], {
      DISCORD_TOKEN: secret,
      TAUTULLI_URL: 'ftp://tower',
      PLEX_POLL_INTERVAL: 'soon',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('the configuration has 3 problem(s)');
    expect(stderr).toMatch(/TAUTULLI_URL must be an http/);
    expect(stderr).toMatch(/TAUTULLI_API_KEY is required/);
    expect(stderr).toMatch(/PLEX_POLL_INTERVAL must be a number of seconds/);
    expect(stderr + stdout).not.toContain(secret);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm run demo', () => {
  it('answers one line per argument against its built-in sample servers, without credentials', async () => {
    const { code, stdout } = await run('scripts/demo.ts', ['/alex usage', '!plex help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Skrillex – Try It Out – Try It Out (Neon mix)');
    expect(stdout).toContain('Autoalex — Plex, Tautulli and your music, in Discord');
  });

  it('answers every example /alex help prints with a real answer from its local sample servers', async () => {
    const help = await run('scripts/demo.ts', ['/alex help']);
    const examples = [...help.stdout.matchAll(/`((?:\/alex|!alex|!plex) [^`]+)`/g)].map(
      (m) => m[1] as string,
    );
    expect(examples.length).toBeGreaterThan(30);
    const { code, stdout } = await run('scripts/demo.ts', examples);
    expect(code).toBe(0);
    // What a sample server that cannot answer, a title missing from the sample library, an empty history or
    // a missing separator would print.
    const failures = stdout
      .split('\n')
      .filter((line) =>
        /unreachable|cannot be reached|No (album|artist|track) matches|still loading|No music was played|does not take|Several \w+ match|not installed|Demucs (could|does|refused)/i.test(
          line,
        ),
      );
    expect(failures).toEqual([]);
    expect(stdout).toContain('Credits for A Love Supreme — John Coltrane');
    expect(stdout).toContain('Credits for Kind of Blue — Miles Davis');
    expect(stdout).toMatch(/Finished: [1-9]\d* enriched/);
    expect(stdout).toMatch(/Container: `binhex-plexpass`: running/);
    expect(stdout).toMatch(/Top artists — everyone, this week\n│ 1\. /);
    expect(stdout).toMatch(/Listening digest — this month\n│ (?!No music)/);
    // boost and reduce remix through the stand-in separator, and say so every time.
    const remixes = examples.filter((e) => /\b(boost|reduce)\b/.test(e)).length;
    expect(remixes).toBeGreaterThanOrEqual(6);
    expect(stdout.split('🧪 demo separator: not Demucs.').length - 1).toBe(remixes);
    expect(stdout).toMatch(/\(attachment System of a Down - Chop Suey_ \(vocals -60 dB\)\.mp3, \d+ bytes\)/);
  }, 120_000);
  it('shows a Plex crash with `crash`: the real monitor alerts with the container log, then posts the recovery', async () => {
    const { code, stdout } = await run('scripts/demo.ts', ['crash', '/alex status']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\[alert channel\]\n┌ 🔴 Plex is down\n/);
    expect(stdout).toContain('Container binhex-plexpass: running (unhealthy)');
    expect(stdout).toMatch(/\(attachment plex-incident-1\.log, \d+ bytes\)/);
    expect(stdout).toMatch(/\[alert channel, replying to post #1\]\n┌ 🟢 Plex is back\n/);
    expect(stdout).toMatch(/Recent incidents: #1 <t:\d+:f> · \d+s · connection closed/);
  }, 60_000);

  it("shows people, not the fixtures' placeholder names, in usage and leaderboards", async () => {
    const { stdout } = await run('scripts/demo.ts', [
      '/alex usage',
      '/alex top user:all',
      '/alex link Jordan',
    ]);
    expect(stdout).not.toMatch(/\buser[12]\b/);
    expect(stdout).toContain('Jordan');
  }, 60_000);
});

describe('scripts/render-cards.ts', () => {
  it('draws the README cards into a temporary folder and leaves the committed docs/images alone', async () => {
    const images = join(ROOT, 'docs/images');
    const before = readdirSync(images).map((f) => [f, statSync(join(images, f)).mtimeMs]);
    const { code, stdout } = await run('scripts/render-cards.ts', []);
    expect(code).toBe(0);
    const written = [...stdout.matchAll(/→ (\S+\.png) \((\d+) bytes\)/g)].map((m) => m[1] as string);
    expect(written).toHaveLength(2);
    for (const file of written) {
      expect(file.startsWith(tmpdir())).toBe(true);
      expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    }
    expect(readdirSync(images).map((f) => [f, statSync(join(images, f)).mtimeMs])).toEqual(before);
  }, 60_000);
});
