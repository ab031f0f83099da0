import { UserFacingError } from '../../errors.ts';
import { REMIX_DB_BOUNDS, REMIX_DEFAULT_DB } from './stems.ts';

export type RemixMode = 'boost' | 'reduce';

/**
 * The gain in dB for a boost or reduce, from what the user typed (or the default). A reduce accepts
 * "30" and "-30" alike; a negative boost is pointed to reduce.
 */
export function checkGain(mode: RemixMode, raw: number | undefined): number {
  if (raw === undefined) return REMIX_DEFAULT_DB[mode];
  if (!Number.isFinite(raw)) throw new UserFacingError('`db` must be a number of decibels.');
  const bounds = REMIX_DB_BOUNDS[mode];
  if (mode === 'boost') {
    if (raw < 0) throw new UserFacingError('To turn a stem down, use `reduce` instead of `boost`.');
    if (raw < bounds.min || raw > bounds.max)
      throw new UserFacingError(`A boost can be from +${bounds.min} to +${bounds.max} dB (default +4).`);
    return raw;
  }
  const db = -Math.abs(raw);
  if (db < bounds.min || db > bounds.max)
    throw new UserFacingError(
      `A reduction can be from ${Math.abs(bounds.max)} to ${Math.abs(bounds.min)} dB (default 60, which mutes the stem).`,
    );
  return db;
}
