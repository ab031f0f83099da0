import type { CommandContext } from '../commands/types.ts';
import { describeFailure, UserFacingError } from '../errors.ts';
import type { Reply } from '../reply.ts';
import { RemixCancelledError } from '../services/remix/errors.ts';
import type { RemixUpdate } from '../services/remix/index.ts';
import { isStem } from '../services/remix/stems.ts';
import type { RemixRecipe } from '../services/remix/stems.ts';
import { checkGain } from '../services/remix/gain.ts';
import type { RemixMode } from '../services/remix/gain.ts';
import { failureReply, progressReply, REMIX_NAMESPACE, resultReply, wizardReply } from '../views/remix.ts';
import type { ComponentHandler, ComponentResult } from './types.ts';
import { EXPIRED_REPLY } from './types.ts';

/**
 * Runs one remix for the caller, showing progress (queue position, download, separation percent, mixing)
 * with a Cancel button, and answers with the MP3. Failures of the job itself (Demucs, the upload limit,
 * a cancel) become the message's text, so they also reach someone whose interaction token has expired.
 */
export async function runRemix(ratingKey: string, recipe: RemixRecipe, ctx: CommandContext): Promise<Reply> {
  const remix = ctx.services.remix;
  const track = await remix.track(ratingKey);
  const label = `${track.title} — ${track.artist ?? 'Unknown artist'}`;
  let jobId: string | undefined;
  let last: RemixUpdate | undefined;
  const show = () => ctx.progress(progressReply(label, recipe, last, jobId));
  show();
  try {
    const output = await remix.remix({
      track,
      recipe,
      userId: ctx.caller.id,
      sizeLimitBytes: ctx.attachmentSizeLimit,
      onJob: (id) => ((jobId = id), show()),
      onUpdate: (update) => ((last = update), show()),
    });
    last = { phase: 'uploading', bytes: output.data.length };
    show();
    return resultReply(ratingKey, label, recipe, output, ctx.caller.id);
  } catch (error) {
    if (error instanceof RemixCancelledError) return failureReply(label, recipe, '✖️ Remix cancelled.');
    const text = error instanceof UserFacingError ? error.message : describeFailure(error, ctx.logger);
    return failureReply(label, recipe, `⚠️ ${text}`);
  }
}

function labelOf(ratingKey: string, ctx: CommandContext): string {
  return ctx.services.library.get(ratingKey)?.label ?? 'this track';
}

const MODES: Record<string, RemixMode> = { b: 'boost', r: 'reduce' };

/** `remix:stem|go|cancel|track:…`: the stem wizard, the remix buttons, Cancel, and the track picker. */
export const remixComponents: ComponentHandler = {
  namespace: REMIX_NAMESPACE,
  async handle({ action, args, values }, ctx): Promise<ComponentResult> {
    if (action === 'cancel') {
      const outcome = ctx.services.remix.cancel(args[0] ?? '', ctx.caller.id);
      if (outcome === 'cancelled') return { done: true };
      const content =
        outcome === 'not-yours'
          ? 'Only the person who asked for this remix can cancel it.'
          : 'This remix has already finished or was cancelled.';
      return { reply: { content, ephemeral: true } };
    }
    if (action === 'stem') {
      const [ratingKey = '', origin, mode, db] = args;
      const stem = values[0];
      if (!isStem(stem)) return { reply: EXPIRED_REPLY };
      const preset = { stem, mode: MODES[mode ?? ''], db: db && db !== '-' ? Number(db) : undefined };
      const wizard = wizardReply(ratingKey, labelOf(ratingKey, ctx), preset);
      // Under a finished remix the menu starts a new message, so the MP3 above stays.
      return origin === 'r' ? { reply: wizard } : { update: wizard };
    }
    if (action === 'go') {
      const [ratingKey = '', stem, db] = args;
      if (!isStem(stem) || !Number.isFinite(Number(db))) return { reply: EXPIRED_REPLY };
      const mode = Number(db) > 0 ? 'boost' : 'reduce';
      return { update: await runRemix(ratingKey, { stem, db: checkGain(mode, Number(db)) }, ctx) };
    }
    if (action === 'track') {
      const [mode = '', stem, db] = args;
      const ratingKey = values[0] ?? '';
      const gain = db && db !== '-' ? Number(db) : undefined;
      const preset = { mode: MODES[mode], db: gain, stem: isStem(stem) ? stem : undefined };
      if (!preset.stem || !preset.mode)
        return { update: wizardReply(ratingKey, labelOf(ratingKey, ctx), preset) };
      const recipe = { stem: preset.stem, db: checkGain(preset.mode, gain) };
      return { update: await runRemix(ratingKey, recipe, ctx) };
    }
    return { reply: EXPIRED_REPLY };
  },
};
