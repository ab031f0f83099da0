import { ButtonStyle, ComponentType } from 'discord.js';
import type { Reply } from '../../reply.ts';
import type { RemixMode } from '../../services/remix/gain.ts';
import type { RemixOutput, RemixPreview, RemixUpdate } from '../../services/remix/index.ts';
import { describeRecipe, REMIX_DEFAULT_DB, STEMS } from '../../services/remix/stems.ts';
import type { RemixRecipe, Stem } from '../../services/remix/stems.ts';
import { clock } from '../../services/remix/track.ts';
import { failureText, progressText, resultText, STEM_LABELS, wizardText } from '../../views/remix.ts';
import { button, row } from '../buttons.ts';
import type { Row } from '../buttons.ts';
import { namespaceCodec } from '../custom-id.ts';

/**
 * `remix:` ids. `origin` w|r: the stem menu of the wizard (edited in place) or under a finished remix
 * (answers anew); `mode` b|r: boost or reduce, absent when not chosen yet; `db` absent = the default;
 * `start` the preview's start in seconds (the user's `start:`), absent = the loudest part.
 */
export const ids = namespaceCodec('remix', {
  stem: ['ratingKey', 'origin', 'mode', 'db', 'start'],
  go: ['ratingKey', 'stem', 'db', 'start'],
  cancel: ['jobId'],
  track: ['mode', 'stem', 'db', 'start'],
});

export type Preset = {
  stem?: Stem | undefined;
  mode?: RemixMode | undefined;
  db?: number | undefined;
  startS?: number | undefined;
};
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
      start: preset.startS,
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
      ids.encode('go', { ratingKey, stem, db, start: preset.startS }),
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
    components: cancellable ? [cancelRow(jobId)] : [],
  };
}

const cancelRow = (jobId: string) =>
  row(button('Cancel', ids.encode('cancel', { jobId }), ButtonStyle.Danger));

function previewFile(label: string, recipe: RemixRecipe, preview: RemixPreview) {
  return {
    name: preview.name,
    data: preview.data,
    description: `${label}, ${describeRecipe(recipe)}, preview`,
  };
}

/**
 * The preview's MP3 in the progress message, with Cancel for the full track still being separated. Later
 * progress changes only the text, so the file and the button stay until the full remix replaces them.
 */
export function previewReply(
  label: string,
  recipe: RemixRecipe,
  preview: RemixPreview,
  update: RemixUpdate | undefined,
  jobId: string | undefined,
): Reply {
  return {
    content: progressText(label, recipe, update, preview),
    files: [previewFile(label, recipe, preview)],
    components: jobId === undefined ? [] : [cancelRow(jobId)],
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

/** Why the remix ended; a preview already delivered stays in the message. */
export function failureReply(
  label: string,
  recipe: RemixRecipe,
  message: string,
  preview?: RemixPreview,
): Reply {
  if (!preview) return { content: failureText(label, recipe, message), components: [] };
  const { startS, lengthS } = preview.excerpt;
  const kept = `\n-# The preview (${clock(startS)}–${clock(startS + lengthS)}) is kept.`;
  return {
    content: failureText(label, recipe, message) + kept,
    files: [previewFile(label, recipe, preview)],
    components: [],
  };
}
