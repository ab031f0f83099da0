import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../src/bot/progress.ts';
import type { ProgressUpdate } from '../src/bot/progress.ts';
import { namespaceCodec } from '../src/components/custom-id.ts';
import { ENERGY_SAMPLE_RATE, excerptFrom, loudestStart, parseStart } from '../src/services/remix/excerpt.ts';
import { energyArgs } from '../src/services/remix/ffmpeg.ts';
import { createThroughput } from '../src/services/remix/throughput.ts';
import { openStore } from '../src/services/store/index.ts';
import { runFfmpeg, synthStemTrack } from './helpers/audio.ts';
import { captureLogger } from './helpers/logs.ts';

/** A track of `sections` ([seconds, dBFS] each, the four stem tones), concatenated by ffmpeg into one FLAC. */
async function sectionedTrack(dir: string, sections: Array<[number, number]>): Promise<string> {
  const parts: string[] = [];
  for (const [i, [seconds, db]] of sections.entries()) {
    parts.push(join(dir, `part-${i}.wav`));
    await synthStemTrack(parts[i]!, seconds, db);
  }
  const out = join(dir, 'track.flac');
  const concat = `${parts.map((_, i) => `[${i}]`).join('')}concat=n=${parts.length}:v=0:a=1`;
  await runFfmpeg([...parts.flatMap((p) => ['-i', p]), '-filter_complex', concat, '-y', out]);
  return out;
}

/** The bot's own analysis: its ffmpeg arguments, the real ffmpeg, its window search. */
async function loudestOf(file: string, lengthS: number): Promise<number> {
  const pcm = `${file}.pcm`;
  await runFfmpeg(energyArgs(file, pcm, ENERGY_SAMPLE_RATE));
  return loudestStart(await readFile(pcm), ENERGY_SAMPLE_RATE, lengthS);
}

describe('where the preview starts', () => {
  it('finds the loudest window of a synthetic track, wherever the loud part is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loudest-'));
    const middle = await sectionedTrack(dir, [
      [11, -30],
      [5, -12],
      [8, -30],
    ]);
    expect(await loudestOf(middle, 5)).toBe(11);
    const end = await sectionedTrack(await mkdtemp(join(tmpdir(), 'loudest-')), [
      [14, -30],
      [6, -20],
      [4, -10],
    ]);
    expect(await loudestOf(end, 6)).toBe(18);
  });

  it('starts at 0 when the track is no longer than the window', () => {
    expect(loudestStart(Buffer.alloc(2 * ENERGY_SAMPLE_RATE * 3), ENERGY_SAMPLE_RATE, 30)).toBe(0);
  });

  it('reads start: as seconds or minutes:seconds, and refuses anything else clearly', () => {
    expect(parseStart('90')).toBe(90);
    expect(parseStart(' 1:30 ')).toBe(90);
    expect(parseStart('0:05')).toBe(5);
    expect(parseStart('1:02:03')).toBe(3723);
    for (const bad of ['1:75', 'soon', '-5', '1:2:3:4', '']) {
      expect(() => parseStart(bad), bad).toThrow(
        /^`start` must be a time in the track, such as 1:30 or 90 \(seconds\)/,
      );
    }
  });

  it('cuts an excerpt short at the end of the track, and refuses a start past it', () => {
    const track = { title: 'Aerials', durationS: 235.4 };
    expect(excerptFrom(90, 30, track)).toEqual({ startS: 90, lengthS: 30 });
    expect(excerptFrom(220, 30, track)).toEqual({ startS: 220, lengthS: 15 });
    expect(() => excerptFrom(235, 30, track)).toThrow(
      '`start` 3:55 is past the end of “Aerials”, which is 3:55 long.',
    );
  });
});

describe('the remembered Demucs speed', () => {
  it('has no estimate before a measurement, then smooths measurements per model and keeps them in the store', () => {
    const store = openStore(':memory:');
    const { logger } = captureLogger();
    const first = createThroughput({ settings: store, logger });
    expect(first.estimateS('htdemucs_ft', 240)).toBeUndefined();
    first.record('htdemucs_ft', 60, 420_000); // 7 s per second of audio
    expect(first.estimateS('htdemucs_ft', 240)).toBeCloseTo(1680);
    expect(first.estimateS('htdemucs', 240)).toBeUndefined();
    first.record('htdemucs_ft', 60, 240_000); // 4 s/s: the figure moves part of the way
    expect(first.estimateS('htdemucs_ft', 1)).toBeCloseTo(7 + 0.3 * (4 - 7));
    // A restart: a new service reads what the last one learnt.
    const restarted = createThroughput({ settings: store, logger });
    expect(restarted.estimateS('htdemucs_ft', 100)).toBeCloseTo(610);
    store.close();
  });

  it('only loses the estimate when the database is unavailable', () => {
    const { logger, text } = captureLogger();
    const broken = {
      getSetting: () => {
        throw new Error('SQLITE_BUSY');
      },
      setSetting: () => {
        throw new Error('SQLITE_BUSY');
      },
    };
    const throughput = createThroughput({ settings: broken, logger });
    expect(throughput.estimateS('htdemucs', 30)).toBeUndefined();
    throughput.record('htdemucs', 30, 60_000);
    expect(throughput.estimateS('htdemucs', 30)).toBeCloseTo(60);
    expect(text()).toMatch(/could not remember the Demucs speed/);
  });
});

describe('progress edits around a preview', () => {
  it('keeps a waiting message with a file when a text follows it: the text replaces only its text', async () => {
    const sent: ProgressUpdate[] = [];
    const { logger } = captureLogger();
    const progress = createProgress(async (update) => void sent.push(update), logger, 60_000);
    progress.report('Separating 10 %');
    const file = { name: 'preview.mp3', data: Buffer.from('mp3') };
    progress.report({ content: 'Preview', files: [file], components: [] });
    progress.report('Separating 40 %');
    await progress.stop();
    expect(sent).toEqual(['Separating 10 %', { content: 'Separating 40 %', files: [file], components: [] }]);
  });
});

describe('remix ids', () => {
  it('still reads ids posted before an argument was added at the end', () => {
    const before = namespaceCodec('remix', { go: ['ratingKey', 'stem', 'db'] });
    const now = namespaceCodec('remix', { go: ['ratingKey', 'stem', 'db', 'start'] });
    const id = before.encode('go', { ratingKey: '42', stem: 'vocals', db: -60 });
    const [namespace, action, ...args] = id.split(':');
    expect(namespace).toBe('remix');
    expect(now.decode({ action: action!, args }, 'go')).toEqual({
      ratingKey: '42',
      stem: 'vocals',
      db: '-60',
      start: undefined,
    });
    expect(now.decode({ action: 'go', args: [] }, 'go')).toBeNull();
    expect(now.decode({ action: 'go', args: ['1', '2', '3', '4', '5'] }, 'go')).toBeNull();
  });
});
