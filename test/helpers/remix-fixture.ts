import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLibrary } from '../../fakes/library.ts';
import { stemLevels, synthStemTrack } from './audio.ts';
import { fakeDemucs } from './fake-demucs.ts';

/**
 * What the remix end-to-end tests start from: a scratch folder, the fake Demucs logging its runs there, a
 * synthetic track whose four stems have known levels (`original`, to compare remixes with), and a generated
 * library whose last `count` tracks are that long (the fixture ones keep their real metadata).
 */
export async function remixFixture(options: {
  prefix: string;
  seconds: number;
  seed: number;
  count: number;
}) {
  const work = await mkdtemp(join(tmpdir(), options.prefix));
  const demucsLog = join(work, 'demucs.jsonl');
  const demucs = fakeDemucs(work, { log: demucsLog, stepMs: 5 });
  const audioFile = join(work, 'track.flac');
  await synthStemTrack(audioFile, options.seconds, -20);
  const original = await stemLevels(audioFile);
  const lib = generateLibrary({ artists: 4, albumsPerArtist: 1, tracksPerAlbum: 6, seed: options.seed });
  const tracks = lib.tracks.slice(-options.count);
  for (const track of tracks) track.durationMs = options.seconds * 1000;
  return { work, demucsLog, demucs, audio: readFileSync(audioFile), original, lib, tracks };
}
