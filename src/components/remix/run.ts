import type { CommandContext } from '../../context.ts';
import { describeFailure, UserFacingError } from '../../errors.ts';
import type { Reply } from '../../reply.ts';
import { RemixCancelledError } from '../../services/remix/errors.ts';
import type { RemixUpdate } from '../../services/remix/index.ts';
import type { RemixRecipe } from '../../services/remix/stems.ts';
import { failureReply, progressReply, resultReply } from './screens.ts';

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
