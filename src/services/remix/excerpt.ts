import { UserFacingError } from '../../errors.ts';
import { escapeMarkdown, truncate } from '../../markdown.ts';
import type { Excerpt } from './separation.ts';
import { clock } from './track.ts';

export type { Excerpt } from './separation.ts';

/** The sample rate the loudness analysis decodes to: energy per second needs no high frequencies. */
export const ENERGY_SAMPLE_RATE = 4000;

/**
 * Reads a `start:` option: seconds ("90") or minutes:seconds ("1:30", also "1:02:03"). Throws a message
 * the user can act on.
 */
export function parseStart(text: string): number {
  const trimmed = text.trim();
  const match = /^(?:(?:(\d+):)?(\d+):)?(\d+(?:\.\d+)?)$/.exec(trimmed);
  const [hours = '0', minutes, seconds = ''] = match?.slice(1) ?? [];
  if (!match || (minutes !== undefined && Number(seconds) >= 60) || (hours !== '0' && Number(minutes) >= 60))
    throw new UserFacingError(
      `\`start\` must be a time in the track, such as 1:30 or 90 (seconds); “${trimmed.slice(0, 20)}” is not one.`,
    );
  return Math.floor(Number(hours) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds));
}

/**
 * The excerpt starting at the user's `start:`, cut short by the end of the track. A start at or past the end
 * is refused, naming the track's length.
 */
export function excerptFrom(
  startS: number,
  lengthS: number,
  track: { title: string; durationS: number },
): Excerpt {
  if (startS >= Math.floor(track.durationS))
    throw new UserFacingError(
      `\`start\` ${clock(startS)} is past the end of “${escapeMarkdown(truncate(track.title, 80))}”, which is ${clock(track.durationS)} long.`,
    );
  return { startS, lengthS: Math.min(lengthS, Math.floor(track.durationS - startS)) };
}

/**
 * The start (whole seconds) of the `lengthS`-second window with the most energy, from mono s16le PCM: the
 * mean square of each second, summed over a sliding window. The earliest of equally loud windows wins.
 * A loud part is where most of a mix plays at once, so it is where a boosted or removed stem is heard best.
 */
export function loudestStart(pcm: Buffer, sampleRate: number, lengthS: number): number {
  const samples = Math.floor(pcm.length / 2);
  const seconds = Math.floor(samples / sampleRate);
  if (seconds <= lengthS) return 0;
  const energy = new Float64Array(seconds);
  for (let s = 0; s < seconds; s++) {
    let sum = 0;
    for (let i = s * sampleRate; i < (s + 1) * sampleRate; i++) {
      const x = pcm.readInt16LE(2 * i) / 32768;
      sum += x * x;
    }
    energy[s] = sum / sampleRate;
  }
  let window = 0;
  for (let s = 0; s < lengthS; s++) window += energy[s] as number;
  let best = window;
  let bestStart = 0;
  for (let start = 1; start + lengthS <= seconds; start++) {
    window += (energy[start + lengthS - 1] as number) - (energy[start - 1] as number);
    // A margin against float drift: a window must be clearly louder to move the choice later.
    if (window > best * (1 + 1e-9) + 1e-12) {
      best = window;
      bestStart = start;
    }
  }
  return bestStart;
}
