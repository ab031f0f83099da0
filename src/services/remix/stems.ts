/** The four sources of a 4-stem Demucs model, in Demucs's own order. */
export const STEMS = ['drums', 'bass', 'other', 'vocals'] as const;
export type Stem = (typeof STEMS)[number];

export function isStem(value: unknown): value is Stem {
  return typeof value === 'string' && (STEMS as readonly string[]).includes(value);
}

/** What a remix does: one stem moved by `db` decibels; the other three stay at 0 dB. */
export interface RemixRecipe {
  stem: Stem;
  db: number;
}

export const REMIX_DEFAULT_DB = { boost: 4, reduce: -60 } as const;
/** Above +12 dB a boosted stem mostly drives the limiter; below −60 dB it is already inaudible. */
export const REMIX_DB_BOUNDS = { boost: { min: 1, max: 12 }, reduce: { min: -60, max: -1 } } as const;

/** "vocals −60 dB", "bass +4 dB": the words users see, with a real minus sign. */
export function describeRecipe(recipe: RemixRecipe): string {
  const rounded = Math.round(recipe.db * 10) / 10;
  const sign = rounded > 0 ? '+' : rounded < 0 ? '−' : '±';
  return `${recipe.stem} ${sign}${Math.abs(rounded)} dB`;
}
