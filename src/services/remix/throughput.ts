import type { Logger } from '../../logger.ts';
import type { SettingTable } from '../store/settings.ts';

/** How much a new measurement moves the remembered figure: recent runs count most, one odd run does not rule. */
const SMOOTHING = 0.3;
const KEY_PREFIX = 'remix.throughput.';

interface Remembered {
  /** Wall-clock seconds Demucs took per second of audio. */
  secondsPerSecond: number;
  runs: number;
}

/**
 * How fast Demucs separates on this machine, per model, measured from finished separations and kept in the
 * settings table so a restart keeps it. It is what the preview's "full track in ~N min" comes from: there is
 * no built-in figure, because CPUs differ by a factor of ten and more (runs.txt: 1.7–3 s per second of audio
 * per model on 2 cores; a GPU far less than one).
 */
export interface Throughput {
  /** Seconds a separation of `audioS` seconds with `model` should take here; undefined until one was measured. */
  estimateS(model: string, audioS: number): number | undefined;
  /** One finished separation: `audioS` seconds of audio took `wallMs`. */
  record(model: string, audioS: number, wallMs: number): void;
}

export function createThroughput(options: {
  settings: Pick<SettingTable, 'getSetting' | 'setSetting'>;
  logger: Logger;
}): Throughput {
  const { settings, logger } = options;
  const known = new Map<string, Remembered | undefined>();

  function read(model: string): Remembered | undefined {
    if (known.has(model)) return known.get(model);
    let value: Remembered | undefined;
    try {
      const raw = settings.getSetting(KEY_PREFIX + model);
      const parsed = raw ? (JSON.parse(raw) as Partial<Remembered>) : undefined;
      if (parsed && Number.isFinite(parsed.secondsPerSecond) && (parsed.secondsPerSecond as number) > 0)
        value = { secondsPerSecond: parsed.secondsPerSecond as number, runs: Number(parsed.runs) || 1 };
    } catch (error) {
      // A missing database only costs the estimate: the preview then says it has no timing yet.
      logger.warn({ err: error }, 'could not read the remembered Demucs speed');
    }
    known.set(model, value);
    return value;
  }

  return {
    estimateS(model, audioS) {
      const remembered = read(model);
      return remembered ? remembered.secondsPerSecond * audioS : undefined;
    },
    record(model, audioS, wallMs) {
      if (!(audioS > 0) || !(wallMs > 0)) return;
      const sample = wallMs / 1000 / audioS;
      const before = read(model);
      const next: Remembered = before
        ? {
            secondsPerSecond: before.secondsPerSecond + SMOOTHING * (sample - before.secondsPerSecond),
            runs: before.runs + 1,
          }
        : { secondsPerSecond: sample, runs: 1 };
      known.set(model, next);
      logger.info(
        { model, secondsPerSecond: Number(sample.toFixed(3)), runs: next.runs },
        'separation speed',
      );
      try {
        settings.setSetting(KEY_PREFIX + model, JSON.stringify(next));
      } catch (error) {
        logger.warn({ err: error }, 'could not remember the Demucs speed');
      }
    },
  };
}
