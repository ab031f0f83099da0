import { escapeMarkdown, truncate } from '../markdown.ts';
import { progressBar } from '../reply.ts';
import { formatSize } from '../services/remix/bitrate.ts';
import type { RemixOutput, RemixPreview, RemixUpdate } from '../services/remix/index.ts';
import { clock } from '../services/remix/track.ts';
import { describeRecipe } from '../services/remix/stems.ts';
import type { RemixRecipe, Stem } from '../services/remix/stems.ts';

export const STEM_LABELS: Record<Stem, string> = {
  vocals: '🎤 Vocals',
  drums: '🥁 Drums',
  bass: '🎸 Bass',
  other: '🎹 Other (everything else)',
};

function trackLine(label: string): string {
  return `**${escapeMarkdown(truncate(label, 150))}**`;
}

/** The wizard's question: which stem, or (once chosen) up or down. */
export function wizardText(label: string, stem: Stem | undefined): string {
  return stem
    ? `🎛️ ${trackLine(label)}: turn the **${stem}** up or down.`
    : `🎛️ ${trackLine(label)}: which part of the track should change?`;
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
      if (update.preview) {
        const { startS, lengthS } = update.preview;
        return `🧠 Separating a ${lengthS}-second preview (${clock(startS)}–${clock(startS + lengthS)}) first… ${progressBar(fraction)} ${Math.floor(fraction * 100)} %\n-# You get it in this message while the full track is separated.`;
      }
      return `🧠 Separating the stems with Demucs… ${progressBar(fraction)} ${Math.floor(fraction * 100)} %\n-# This is the slow part on a CPU; the stems are kept, so the next remix of this track takes seconds.`;
    }
    case 'mixing':
      return `🎚️ Mixing and encoding (MP3 ${update.bitrateKbps} kbps)…`;
    case 'uploading':
      return `⬆️ Uploading the MP3 (${formatSize(update.bytes)})…`;
  }
}

/**
 * "Preview (0:45–1:15) — full track in ~27 min". The time comes from this server's measured Demucs speed;
 * before the model was ever timed here, no number is made up.
 */
export function previewLabel(preview: Pick<RemixPreview, 'excerpt' | 'fullEtaS' | 'fullModel'>): string {
  const { startS, lengthS } = preview.excerpt;
  const range = `${clock(startS)}–${clock(startS + lengthS)}`;
  const next =
    preview.fullEtaS === undefined
      ? `full track next (not timed on this server yet with ${preview.fullModel})`
      : `full track in ~${Math.max(1, Math.ceil(preview.fullEtaS / 60))} min`;
  return `🎧 **Preview (${range})** — ${next}`;
}

/** Track, recipe and where the job is now; under the preview's label once the preview is shown. */
export function progressText(
  label: string,
  recipe: RemixRecipe,
  update: RemixUpdate | undefined,
  preview?: RemixPreview,
): string {
  const head = `🎛️ ${trackLine(label)} · ${describeRecipe(recipe)}`;
  return preview
    ? `${head}\n${previewLabel(preview)}\n${phaseText(update)}`
    : `${head}\n${phaseText(update)}`;
}

export function resultText(
  label: string,
  recipe: RemixRecipe,
  output: Pick<RemixOutput, 'bitrateKbps' | 'fromCache'>,
  requesterId: string,
): string {
  const quality = output.bitrateKbps < 320 ? ` (lowered to fit Discord’s upload limit)` : '';
  return (
    `🎛️ ${trackLine(label)} · **${describeRecipe(recipe)}** · MP3 ${output.bitrateKbps} kbps${quality}` +
    `\n-# Remixed for <@${requesterId}>${output.fromCache ? ' from cached stems' : ''}.`
  );
}

export function failureText(label: string, recipe: RemixRecipe, message: string): string {
  return `🎛️ ${trackLine(label)} · ${describeRecipe(recipe)}\n${message}`;
}
