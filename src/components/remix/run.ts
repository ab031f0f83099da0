import type { CommandContext } from '../../context.ts';
import { describeFailure, UserFacingError } from '../../errors.ts';
import type { Reply } from '../../reply.ts';
import { RemixCancelledError } from '../../services/remix/errors.ts';
import type { RemixPreview, RemixUpdate } from '../../services/remix/index.ts';
import type { RemixRecipe } from '../../services/remix/stems.ts';
import { failureReply, previewReply, progressReply, resultReply } from './screens.ts';

/**
 * Runs one remix for the caller, showing progress (queue position, download, separation percent, mixing)
 * with a Cancel button, and answers with the MP3. On a CPU a short preview comes first: it is put in the
 * same message, which the full remix then replaces. Failures of the job itself (Demucs, the upload limit, a
 * cancel) become the message's text, so they also reach someone whose interaction token has expired.
 * `startS` is the user's `start:` for the preview.
 */
export async function runRemix(
  ratingKey: string,
  recipe: RemixRecipe,
  ctx: CommandContext,
  startS?: number,
): Promise<Reply> {
  const remix = ctx.services.remix;
  const track = await remix.track(ratingKey);
  const label = `${track.title} — ${track.artist ?? 'Unknown artist'}`;
  let jobId: string | undefined;
  let last: RemixUpdate | undefined;
  let preview: RemixPreview | undefined;
  // Once the preview is in the message, only its text changes: the MP3 and the Cancel button stay.
  const show = () =>
    ctx.progress(
      preview
        ? (previewReply(label, recipe, preview, last, jobId).content ?? '')
        : progressReply(label, recipe, last, jobId),
    );
  show();
  try {
    const output = await remix.remix({
      track,
      recipe,
      userId: ctx.caller.id,
      sizeLimitBytes: ctx.attachmentSizeLimit,
      startS,
      onJob: (id) => ((jobId = id), show()),
      onUpdate: (update) => ((last = update), show()),
      // The terminal prints only the answer: a preview there would be separated for nobody.
      onPreview:
        ctx.transport === 'cli'
          ? undefined
          : (delivered) => {
              preview = delivered;
              ctx.progress(previewReply(label, recipe, delivered, last, jobId));
            },
    });
    last = { phase: 'uploading', bytes: output.data.length };
    show();
    return resultReply(ratingKey, label, recipe, output, ctx.caller.id);
  } catch (error) {
    if (error instanceof RemixCancelledError)
      return failureReply(label, recipe, '✖️ Remix cancelled.', preview);
    const text = error instanceof UserFacingError ? error.message : describeFailure(error, ctx.logger);
    return failureReply(label, recipe, `⚠️ ${text}`, preview);
  }
}
