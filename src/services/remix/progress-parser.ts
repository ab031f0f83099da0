/**
 * Reads Demucs's progress from its stderr. Demucs draws one tqdm bar per sub-model (4 for the
 * htdemucs_ft bag) and tqdm separates redraws with `\r`, not `\n`, so lines must be split on both.
 * Only bars counted in `seconds` are separation; torch.hub's weight download bar (`80.2M/80.2M`) is not.
 */
// The rate reads `578.05seconds/s`, or `2.31s/seconds` when slower than real time (a CPU).
const BAR = /^\s*(\d{1,3})%\|.*(?:seconds\/s|s\/seconds)/;
const BAG = /bag of (\d+) models/;
const COMPLETE = /(?:seconds\/s|s\/seconds)\]\s*$/;
/**
 * The longest unfinished line kept. A bar redraw is about 130 characters; a child that writes megabytes
 * without a line break must cost neither memory nor time re-splitting what was kept (issue #15, item 11).
 */
const MAX_PARTIAL = 1024;

export interface DemucsProgress {
  /** Feed stdout text (it announces how many models the bag has). */
  stdout(chunk: string): void;
  /** Feed stderr text; returns the overall fraction 0–1 when it moved, else undefined. */
  stderr(chunk: string): number | undefined;
}

export function createDemucsProgress(shifts = 1): DemucsProgress {
  let models = 1;
  let bar = 0;
  let last = -1;
  let partial = '';
  let stdoutPartial = '';
  let reported = -1;
  return {
    stdout(chunk) {
      stdoutPartial += chunk;
      const match = BAG.exec(stdoutPartial);
      if (match) models = Math.max(1, Number(match[1]));
      stdoutPartial = stdoutPartial.slice(-200);
    },
    stderr(chunk) {
      const segments = (partial + chunk).split(/[\r\n]+/);
      partial = (segments.pop() ?? '').slice(-MAX_PARTIAL);
      // tqdm starts each redraw with \r, so the newest bar has no terminator yet: read it once it is whole
      // (reading it again later is harmless, an equal percentage changes nothing).
      const whole = COMPLETE.test(partial) ? [...segments, partial] : segments;
      let moved: number | undefined;
      for (const segment of whole) {
        const match = BAR.exec(segment);
        if (!match) continue;
        const pct = Math.min(100, Number(match[1]));
        // A new bar starts when the percentage falls back (next sub-model or shift).
        if (pct < last) bar += 1;
        last = pct;
        const overall = Math.min(1, (bar + pct / 100) / (models * Math.max(1, shifts)));
        if (overall > reported) moved = reported = overall;
      }
      return moved;
    },
  };
}
