import { excerptFrom } from './excerpt.ts';
import type { CancelOutcome, JobUpdate, Ticket } from './queue.ts';
import type { Excerpt, Separation as AnySeparation } from './separation.ts';
import type { StemCache } from './stem-cache.ts';
import type { Stem } from './stems.ts';
import type { Throughput } from './throughput.ts';
import type { RemixTrack } from './track.ts';

type Stems = Record<Stem, string>;
/** The bot's side of a separation: the whole track (the cache key needs its part). */
type Separation = AnySeparation<RemixTrack>;

/** The preview, delivered while the full track is still being separated. */
export interface RemixPreview {
  name: string;
  data: Buffer;
  bitrateKbps: number;
  excerpt: Excerpt;
  /** Seconds until the full track is separated, from this machine's measured speed; undefined = not measured yet. */
  fullEtaS: number | undefined;
  /** The full track's model, so "not measured yet" can say which. */
  fullModel: string;
}

/** A job's update; `preview` marks the preview's own separation (its excerpt), so the message can say so. */
export type SeparationUpdate = JobUpdate & { preview?: Excerpt };

/** What a separation request brings (a subset of RemixRequest). */
export interface SeparationRequest {
  track: RemixTrack;
  userId: string;
  /** The user's `start:` (seconds) for the preview; undefined = the loudest part. */
  startS?: number | undefined;
  onJob?(jobId: string): void;
  onUpdate(update: SeparationUpdate): void;
  /** Present when the caller can show a preview. */
  onPreview?(preview: RemixPreview): void;
}

export interface PreviewDeps {
  device: 'cpu' | 'cuda';
  /** 0 = no preview. */
  previewSeconds: number;
  previewModel: string;
  throughput: Throughput;
  cache: Pick<StemCache, 'get' | 'pin'>;
  keyOf(separation: Separation): string;
  submit(
    key: string,
    userId: string,
    separation: Separation,
    onUpdate: (u: JobUpdate) => void,
  ): Ticket<Stems>;
  cancel(jobId: string, userId: string): CancelOutcome;
  /** Where the loudest `lengthS` seconds of the track start (downloads and analyses it). */
  loudestStart(track: RemixTrack, lengthS: number): Promise<number>;
}

/** The preview mixed like the remix will be; undefined when even its lowest bitrate would not fit. */
export type MixPreview = (
  stems: Stems,
  excerpt: Excerpt,
) => Promise<Pick<RemixPreview, 'name' | 'data' | 'bitrateKbps'> | undefined>;

/**
 * Separations for a remix: on a CPU, a ~30-second excerpt (the loudest part, or the user's `start:`) with the
 * single-model preview model first, delivered as soon as it is mixed, then the full track. On a GPU, or with
 * previews off or a short track, the full track at once. Each finished separation teaches `throughput` how
 * fast this machine is, which is where the preview's "full track in ~N min" comes from.
 */
export function createSeparations(deps: PreviewDeps) {
  /** Jobs already measured: requests merged into one job must not count its time twice. */
  const measured = new Set<string>();

  /** Submits and measures: Demucs's time is from the job's first "separating" update to its stems. */
  function run(request: SeparationRequest, separation: Separation, key: string): Ticket<Stems> {
    let startedAt: number | undefined;
    const ticket = deps.submit(key, request.userId, separation, (update) => {
      // Only a requester who saw the separation start knows how long it took.
      if (update.phase === 'separating' && update.fraction === 0) startedAt ??= Date.now();
      request.onUpdate(update);
    });
    const result = ticket.result.then((stems) => {
      if (startedAt !== undefined && !measured.has(ticket.jobId)) {
        if (measured.size > 100) measured.clear();
        measured.add(ticket.jobId);
        const audioS = separation.excerpt?.lengthS ?? separation.track.durationS;
        deps.throughput.record(separation.model, audioS, Date.now() - startedAt);
      }
      return stems;
    });
    return { jobId: ticket.jobId, result };
  }

  function wantsPreview(request: SeparationRequest): boolean {
    // A preview of more than half the track saves too little to be worth a second separation.
    return (
      deps.device === 'cpu' &&
      deps.previewSeconds > 0 &&
      request.onPreview !== undefined &&
      request.track.durationS >= 2 * deps.previewSeconds
    );
  }

  return {
    /** The full track's stems (into the cache entry `key`), after a preview when one is worthwhile. */
    async separate(
      request: SeparationRequest,
      whole: Separation,
      key: string,
      mixPreview: MixPreview,
    ): Promise<Stems> {
      if (!wantsPreview(request)) {
        const ticket = run(request, whole, key);
        request.onJob?.(ticket.jobId);
        return ticket.result;
      }
      const { track } = request;
      const excerpt =
        request.startS !== undefined
          ? excerptFrom(request.startS, deps.previewSeconds, track)
          : { startS: await deps.loudestStart(track, deps.previewSeconds), lengthS: deps.previewSeconds };
      const preview: Separation = { track, model: deps.previewModel, excerpt };
      const previewKey = deps.keyOf(preview);
      const unpin = deps.cache.pin(previewKey);
      // The full track is queued as soon as the preview runs, so the request keeps its place in the queue
      // and its one waiting job per user. Its updates wait until the preview is done: the message shows one
      // job at a time.
      let full: Ticket<Stems> | undefined;
      let refused: unknown;
      let previewDone = false;
      let held: JobUpdate | undefined;
      const queueFull = () => {
        if (full) return;
        try {
          full = run(
            { ...request, onUpdate: (u) => (previewDone ? request.onUpdate(u) : (held = u)) },
            whole,
            key,
          );
          // Observed here so a failure before the preview is done is never an unhandled rejection.
          full.result.catch(() => undefined);
        } catch (error) {
          refused = error; // the queue is full: tried again once the preview is done
        }
      };
      try {
        let stems = await deps.cache.get(previewKey);
        if (!stems) {
          const ticket = run(
            {
              ...request,
              onUpdate(update) {
                request.onUpdate(update.phase === 'queued' ? update : { ...update, preview: excerpt });
                // Not from inside the queue's own loop: once this job has left the waiting line.
                if (update.phase !== 'queued') queueMicrotask(queueFull);
              },
            },
            preview,
            previewKey,
          );
          request.onJob?.(ticket.jobId);
          try {
            stems = await ticket.result;
          } catch (error) {
            // Cancelling the preview cancels the request: nobody waits for the full track any more.
            if (full) deps.cancel(full.jobId, request.userId);
            throw error;
          }
        }
        queueFull();
        previewDone = true;
        const ticket = full;
        if (ticket) {
          request.onJob?.(ticket.jobId);
          if (held) request.onUpdate(held);
        }
        const fullEtaS = deps.throughput.estimateS(whole.model, track.durationS);
        try {
          const mixed = await mixPreview(stems, excerpt);
          if (mixed) request.onPreview?.({ ...mixed, excerpt, fullEtaS, fullModel: whole.model });
        } catch (error) {
          if (ticket) deps.cancel(ticket.jobId, request.userId);
          throw error;
        }
        // The preview is delivered; the full track could not even be queued (the queue is full): say so.
        if (!ticket) throw refused;
        return await ticket.result;
      } finally {
        unpin();
      }
    },
  };
}
