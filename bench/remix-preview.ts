/**
 * Issue 21: how long a CPU user waits for the preview and for the full remix of a 4-minute track, with the
 * built bot against the fakes and the fake Demucs slowed to the rate measured with the real Demucs 4.0.1 on a
 * 2-core machine (1.7 s per second of audio per model; ../shared/fixtures/demucs/runs.txt): the preview with
 * htdemucs (one model), the full track with htdemucs_ft (a bag of four). Done when the preview arrives in under
 * 2 minutes.
 *
 * BENCH_REMIX_TIME_SCALE (default 1 = real time, about 30 minutes) divides the FULL track's pace only, to
 * check the bench quickly; the preview always runs at the real pace. A scaled run reports what it measured and
 * a projection to the real pace, labelled as such.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { generateLibrary } from '../fakes/library.ts';
import { startPlexFake } from '../fakes/plex.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';
import { printTable } from './stats.ts';

/** Wall-clock seconds per second of audio per model: the real Demucs on 2 cores (runs.txt). */
const REAL_PACE = 1.7;
const SCALE = Number(process.env.BENCH_REMIX_TIME_SCALE ?? 1);
const FAKE_DEMUCS = fileURLToPath(new URL('../fakes/demucs/fake-demucs.mjs', import.meta.url));

/** DEMUCS_COMMAND: the fake at the real pace for the preview model, the full model's pace divided by SCALE. */
function pacedDemucs(dir: string): string {
  const script = join(dir, 'paced-demucs.mjs');
  writeFileSync(
    script,
    `#!${process.execPath}
import { spawn } from 'node:child_process';
const argv = process.argv.slice(2);
const full = argv[argv.indexOf('-n') + 1] === 'htdemucs_ft';
const pace = full ? ${REAL_PACE / SCALE} : ${REAL_PACE};
// One bar step per 5.85 s chunk, as the real program draws it.
const env = { ...process.env, FAKE_DEMUCS_PACE: String(pace), FAKE_DEMUCS_MIN_CHUNKS: '1' };
const child = spawn(process.execPath, [${JSON.stringify(FAKE_DEMUCS)}, ...argv], { stdio: 'inherit', env });
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 1));
`,
  );
  chmodSync(script, 0o755);
  return script;
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

/** Runs against `dist/` (bench/remix.ts builds it first); `trackFile` is a 4-minute track. */
export async function benchRemixPreview(trackFile: string, seconds: number) {
  const lib = generateLibrary({ artists: 2, albumsPerArtist: 1, tracksPerAlbum: 4, seed: 5 });
  const track = lib.tracks.at(-1)!;
  track.durationMs = seconds * 1000;
  const audio = readFileSync(trackFile);
  const [discord, tautulli, plex] = await Promise.all([
    startFakeDiscord(),
    startTautulliFake(),
    startPlexFake(lib, { partData: () => audio }),
  ]);
  const dataDir = mkdtempSync(join(tmpdir(), 'remix-preview-bench-'));
  const child = spawn(process.execPath, ['dist/src/index.js'], {
    env: {
      PATH: process.env.PATH,
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.restApi,
      TAUTULLI_URL: tautulli.url,
      TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
      PLEX_URL: plex.url,
      PLEX_TOKEN: plex.token,
      DATA_DIR: dataDir,
      DEMUCS_COMMAND: pacedDemucs(dataDir),
      DEMUCS_MODEL: 'htdemucs_ft',
      REMIX_PREVIEW_MODEL: 'htdemucs',
      DEMUCS_TIMEOUT_MINUTES: '120',
      ...(existsSync('/usr/bin/ffmpeg') ? { FFMPEG_PATH: '/usr/bin/ffmpeg' } : {}),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const separatedMs: Record<string, number> = {};
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<void>((resolve) =>
    lines.on('line', (line) => {
      if (line.includes('library index built')) resolve();
      if (!line.includes('"msg":"separated"')) return;
      const entry = JSON.parse(line) as { model: string; ms: number };
      separatedMs[entry.model] = entry.ms;
    }),
  );
  try {
    await ready;
    const started = performance.now();
    const interaction = await discord.slashCommand({
      name: 'alex',
      subcommand: 'reduce',
      options: [
        { name: 'track', value: track.ratingKey, type: 3 },
        { name: 'stem', value: 'vocals', type: 3 },
      ],
    });
    const onReply = (r: RecordedRequest) =>
      r.path.endsWith(`/${interaction.token}/messages/@original`) ||
      r.path === `/channels/${discord.channelId}/messages` ||
      r.path.startsWith(`/channels/${discord.channelId}/messages/`);
    const preview = await discord.waitForRequest(
      (r) => onReply(r) && r.files.some((f) => f.name.includes('preview')),
      15 * 60_000,
    );
    const previewMs = performance.now() - started;
    const final = await discord.waitForRequest(
      (r) => onReply(r) && r.files.length > 0 && !r.files.some((f) => f.name.includes('preview')),
      3 * 60 * 60_000,
    );
    const fullMs = performance.now() - started;
    const fullSeparationMs = separatedMs.htdemucs_ft ?? 0;
    // Only the separation was sped up: scale it back, keep everything else as measured.
    const projectedMs = fullMs + (SCALE - 1) * fullSeparationMs;
    const label = /🎧 \*\*Preview \(([^)]+)\)\*\* — (.*)/.exec(String(preview.json?.content))?.slice(1);
    const viaChannel = final.path.startsWith('/channels/');
    const rows: Array<[string, string]> = [
      [
        `time to the preview (30 s excerpt, htdemucs at ${REAL_PACE} s/s, real time)`,
        `${(previewMs / 1000).toFixed(0)} s (${minutes(previewMs)}) — done when < 2 min`,
      ],
      ['preview label', label ? `Preview (${label[0]}) — ${label[1]}` : 'not found'],
      SCALE === 1
        ? [`time to the full remix (htdemucs_ft at ${REAL_PACE} s/s per model, real time)`, minutes(fullMs)]
        : [
            `time to the full remix, MEASURED with htdemucs_ft at 1/${SCALE} of the real pace`,
            minutes(fullMs),
          ],
      ...(SCALE === 1
        ? []
        : ([
            [
              `time to the full remix at the real pace: PROJECTED (separation × ${SCALE}), not measured`,
              minutes(projectedMs),
            ],
          ] as Array<[string, string]>)),
      ['full remix delivered', viaChannel ? 'as a channel message (token expired)' : 'by editing the reply'],
    ];
    printTable(`Remix preview (4-minute track, fake Demucs paced like the real one on 2 cores)`, rows);
    return {
      timeScale: SCALE,
      pacePerModelSecondsPerSecond: REAL_PACE,
      previewSeconds: previewMs / 1000,
      previewLabel: label ? `Preview (${label[0]}) — ${label[1]}` : null,
      fullSeconds: fullMs / 1000,
      fullSecondsMeasuredOrProjected: SCALE === 1 ? 'measured' : 'measured at a scaled pace',
      fullSecondsAtRealPaceProjected: SCALE === 1 ? null : projectedMs / 1000,
      separationSeconds: Object.fromEntries(Object.entries(separatedMs).map(([k, v]) => [k, v / 1000])),
      fullDeliveredViaChannel: viaChannel,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await Promise.all([discord.stop(), tautulli.close(), plex.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
