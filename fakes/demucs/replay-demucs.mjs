#!/usr/bin/env node
/**
 * Replays one captured run of the real Demucs 4.0.1 (test/fixtures/demucs/, see runs.txt there) as if it
 * were Demucs: `replay-demucs.mjs <captures dir> <case> <demucs arguments…>` writes the case's stdout, then
 * its stderr in small pieces (so a reader must join lines across chunks, as with a real pipe), and exits
 * with the case's exit code. When the real run wrote stems, the replay writes four short silent WAVs where
 * the arguments it was given say (`-o`, `-n`, `--filename`), so a caller's check for the stems is exercised.
 */
import { Buffer } from 'node:buffer';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

const [dir, name, ...args] = process.argv.slice(2);
const runs = readFileSync(join(dir, 'runs.txt'), 'utf8');
const exit = new RegExp(`^${name}: exit (\\d+)`, 'm').exec(runs);
if (!exit) {
  process.stderr.write(`replay-demucs: no case ${name} in runs.txt\n`);
  process.exit(3);
}
const captured = (stream) => {
  const file = join(dir, `${name}.${stream}`);
  return existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
};
const option = (flag, fallback) => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : fallback;
};

/** 0.1 s of stereo 16-bit silence at 44.1 kHz. */
function silentWav() {
  const frames = 4410;
  const wav = Buffer.alloc(44 + frames * 4);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + frames * 4, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(2, 22);
  wav.writeUInt32LE(44100, 24);
  wav.writeUInt32LE(44100 * 4, 28);
  wav.writeUInt16LE(4, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(frames * 4, 40);
  return wav;
}

async function write(stream, bytes, size) {
  for (let at = 0; at < bytes.length; at += size) {
    if (!stream.write(bytes.subarray(at, at + size))) await new Promise((r) => stream.once('drain', r));
    await sleep(1);
  }
}

await write(process.stdout, captured('stdout'), 4096);
await write(process.stderr, captured('stderr'), 61);
if (Number(exit[1]) === 0 && captured('stdout').includes('Separating track')) {
  const track = args.at(-1) ?? 'track.wav';
  const vars = { track: basename(track, extname(track)), trackext: extname(track).slice(1), ext: 'wav' };
  const template = option('--filename', '{track}/{stem}.{ext}');
  for (const stem of ['drums', 'bass', 'other', 'vocals']) {
    const relative = template.replace(/\{(\w+)\}/g, (_, key) => (key === 'stem' ? stem : vars[key]));
    const path = join(option('-o', 'separated'), option('-n', 'htdemucs'), relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, silentWav());
  }
}
process.exitCode = Number(exit[1]);
