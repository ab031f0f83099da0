import { ButtonStyle, ComponentType } from 'discord.js';
import type { APIActionRowComponent, APIComponentInMessageActionRow } from 'discord.js';
import { encodeCustomId } from '../components/custom-id.ts';
import { escapeMarkdown, progressBar, truncate } from '../reply.ts';
import type { Reply } from '../reply.ts';
import { formatSize } from '../services/remix/bitrate.ts';
import type { RemixOutput, RemixUpdate } from '../services/remix/index.ts';
import { describeRecipe, REMIX_DEFAULT_DB, STEMS } from '../services/remix/stems.ts';
import type { RemixRecipe, Stem } from '../services/remix/stems.ts';

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;
export const REMIX_NAMESPACE = 'remix';

const STEM_LABELS: Record<Stem, string> = {
  vocals: '🎤 Vocals',
  drums: '🥁 Drums',
  bass: '🎸 Bass',
  other: '🎹 Other (everything else)',
};

/** Where the stem menu sits: in the wizard (edited in place) or under a finished remix (answers anew). */
export type MenuOrigin = 'wizard' | 'result';

export function stemMenu(
  ratingKey: string,
  origin: MenuOrigin,
  preset: { stem?: Stem; mode?: 'boost' | 'reduce'; db?: number } = {},
): Row {
  const mode = preset.mode === 'boost' ? 'b' : preset.mode === 'reduce' ? 'r' : '-';
  const db = preset.db ?? '-';
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.StringSelect,
        custom_id: encodeCustomId(
          REMIX_NAMESPACE,
          'stem',
          ratingKey,
          origin === 'wizard' ? 'w' : 'r',
          mode,
          db,
        ),
        placeholder: origin === 'wizard' ? 'Choose a stem' : 'Remix again: choose a stem',
        options: STEMS.map((stem) => ({
          label: STEM_LABELS[stem],
          value: stem,
          default: stem === preset.stem,
        })),
      },
    ],
  };
}

function gainButtons(ratingKey: string, stem: Stem, preset: Partial<RemixRecipe> & { mode?: string }): Row {
  const boost = preset.mode === 'boost' && preset.db !== undefined ? preset.db : REMIX_DEFAULT_DB.boost;
  const reduce = preset.mode === 'reduce' && preset.db !== undefined ? preset.db : REMIX_DEFAULT_DB.reduce;
  const button = (db: number, label: string, primary: boolean) => ({
    type: ComponentType.Button as const,
    style: primary ? (ButtonStyle.Primary as const) : (ButtonStyle.Secondary as const),
    label: `${label} ${describeRecipe({ stem, db })}`,
    custom_id: encodeCustomId(REMIX_NAMESPACE, 'go', ratingKey, stem, db),
  });
  return {
    type: ComponentType.ActionRow,
    components: [
      button(boost, 'Boost', preset.mode !== 'reduce'),
      button(reduce, 'Reduce', preset.mode === 'reduce'),
    ],
  };
}

function trackLine(label: string): string {
  return `**${escapeMarkdown(truncate(label, 150))}**`;
}

/** The stem-picker wizard: choose a stem, then Boost or Reduce. */
export function wizardReply(
  ratingKey: string,
  label: string,
  preset: { mode?: 'boost' | 'reduce'; db?: number; stem?: Stem },
): Reply {
  const rows = [stemMenu(ratingKey, 'wizard', preset)];
  if (preset.stem) rows.push(gainButtons(ratingKey, preset.stem, preset));
  return {
    content: preset.stem
      ? `🎛️ ${trackLine(label)}: turn the **${preset.stem}** up or down.`
      : `🎛️ ${trackLine(label)}: which part of the track should change?`,
    components: rows,
  };
}

function phaseText(update: RemixUpdate | undefined): string {
  if (!update) return '⏳ Starting…';
  switch (update.phase) {
    case 'queued':
      return update.position === 1
        ? '⏳ Waiting for the current separation to finish (next in line)'
        : `⏳ Waiting in the queue: position ${update.position}`;
    case 'downloading':
      return '⬇️ Downloading the track from Plex…';
    case 'separating': {
      const fraction = update.fraction ?? 0;
      return `🧠 Separating the stems with Demucs… ${progressBar(fraction)} ${Math.floor(fraction * 100)} %\n-# This is the slow part on a CPU; the stems are kept, so the next remix of this track takes seconds.`;
    }
    case 'mixing':
      return `🎚️ Mixing and encoding (MP3 ${update.bitrateKbps} kbps)…`;
    case 'uploading':
      return `⬆️ Uploading the MP3 (${formatSize(update.bytes)})…`;
  }
}

export function progressReply(
  label: string,
  recipe: RemixRecipe,
  update: RemixUpdate | undefined,
  jobId: string | undefined,
): Reply {
  const cancellable = jobId !== undefined && update?.phase !== 'mixing' && update?.phase !== 'uploading';
  return {
    content: `🎛️ ${trackLine(label)} · ${describeRecipe(recipe)}\n${phaseText(update)}`,
    components: cancellable
      ? [
          {
            type: ComponentType.ActionRow,
            components: [
              {
                type: ComponentType.Button,
                style: ButtonStyle.Danger,
                label: 'Cancel',
                custom_id: encodeCustomId(REMIX_NAMESPACE, 'cancel', jobId),
              },
            ],
          },
        ]
      : [],
  };
}

export function resultReply(
  ratingKey: string,
  label: string,
  recipe: RemixRecipe,
  output: RemixOutput,
  requesterId: string,
): Reply {
  const quality = output.bitrateKbps < 320 ? ` (lowered to fit Discord’s upload limit)` : '';
  return {
    content:
      `🎛️ ${trackLine(label)} · **${describeRecipe(recipe)}** · MP3 ${output.bitrateKbps} kbps${quality}` +
      `\n-# Remixed for <@${requesterId}>${output.fromCache ? ' from cached stems' : ''}.`,
    files: [{ name: output.name, data: output.data, description: `${label}, ${describeRecipe(recipe)}` }],
    components: [stemMenu(ratingKey, 'result')],
  };
}

export function failureReply(label: string, recipe: RemixRecipe, message: string): Reply {
  return { content: `🎛️ ${trackLine(label)} · ${describeRecipe(recipe)}\n${message}`, components: [] };
}
