import { ButtonStyle, ComponentType } from 'discord.js';
import type { Reply } from '../../reply.ts';
import type { RemixMode } from '../../services/remix/gain.ts';
import type { RemixOutput, RemixUpdate } from '../../services/remix/index.ts';
import { describeRecipe, REMIX_DEFAULT_DB, STEMS } from '../../services/remix/stems.ts';
import type { RemixRecipe, Stem } from '../../services/remix/stems.ts';
import { failureText, progressText, resultText, STEM_LABELS, wizardText } from '../../views/remix.ts';
import { button, row } from '../buttons.ts';
import type { Row } from '../buttons.ts';
import { namespaceCodec } from '../custom-id.ts';

/**
 * `remix:` ids. `origin` w|r: the stem menu of the wizard (edited in place) or under a finished remix
 * (answers anew); `mode` b|r: boost or reduce, absent when not chosen yet; `db` absent = the default.
 */
export const ids = namespaceCodec('remix', {
  stem: ['ratingKey', 'origin', 'mode', 'db'],
  go: ['ratingKey', 'stem', 'db'],
  cancel: ['jobId'],
  track: ['mode', 'stem', 'db'],
});

export type Preset = { stem?: Stem | undefined; mode?: RemixMode | undefined; db?: number | undefined };
export const MODE_CODE: Record<RemixMode, string> = { boost: 'b', reduce: 'r' };
export const modeOf = (code: string | undefined): RemixMode | undefined =>
  code === 'b' ? 'boost' : code === 'r' ? 'reduce' : undefined;

function stemMenu(ratingKey: string, origin: 'wizard' | 'result', preset: Preset = {}): Row {
  const mode = preset.mode && MODE_CODE[preset.mode];
  return row({
    type: ComponentType.StringSelect,
    custom_id: ids.encode('stem', {
      ratingKey,
      origin: origin === 'wizard' ? 'w' : 'r',
      mode,
      db: preset.db,
    }),
    placeholder: origin === 'wizard' ? 'Choose a stem' : 'Remix again: choose a stem',
    options: STEMS.map((stem) => ({ label: STEM_LABELS[stem], value: stem, default: stem === preset.stem })),
  });
}

function gainButtons(ratingKey: string, stem: Stem, preset: Preset): Row {
  const boost = preset.mode === 'boost' && preset.db !== undefined ? preset.db : REMIX_DEFAULT_DB.boost;
  const reduce = preset.mode === 'reduce' && preset.db !== undefined ? preset.db : REMIX_DEFAULT_DB.reduce;
  const gain = (db: number, label: string, primary: boolean) =>
    button(
      `${label} ${describeRecipe({ stem, db })}`,
      ids.encode('go', { ratingKey, stem, db }),
      primary ? ButtonStyle.Primary : ButtonStyle.Secondary,
    );
  return row(
    gain(boost, 'Boost', preset.mode !== 'reduce'),
    gain(reduce, 'Reduce', preset.mode === 'reduce'),
  );
}

/** The stem-picker wizard: choose a stem, then Boost or Reduce. */
export function wizardReply(ratingKey: string, label: string, preset: Preset): Reply {
  const rows = [stemMenu(ratingKey, 'wizard', preset)];
  if (preset.stem) rows.push(gainButtons(ratingKey, preset.stem, preset));
  return { content: wizardText(label, preset.stem), components: rows };
}

/** Where the job is, with Cancel while cancelling can still save work. */
export function progressReply(
  label: string,
  recipe: RemixRecipe,
  update: RemixUpdate | undefined,
  jobId: string | undefined,
): Reply {
  const cancellable = jobId !== undefined && update?.phase !== 'mixing' && update?.phase !== 'uploading';
  return {
    content: progressText(label, recipe, update),
    components: cancellable
      ? [row(button('Cancel', ids.encode('cancel', { jobId }), ButtonStyle.Danger))]
      : [],
  };
}

/** The MP3, with a menu to remix the same track again from its cached stems. */
export function resultReply(
  ratingKey: string,
  label: string,
  recipe: RemixRecipe,
  output: RemixOutput,
  requesterId: string,
): Reply {
  return {
    content: resultText(label, recipe, output, requesterId),
    files: [{ name: output.name, data: output.data, description: `${label}, ${describeRecipe(recipe)}` }],
    components: [stemMenu(ratingKey, 'result')],
  };
}

export function failureReply(label: string, recipe: RemixRecipe, message: string): Reply {
  return { content: failureText(label, recipe, message), components: [] };
}
