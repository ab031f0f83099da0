import type { ReplyFile } from '../reply.ts';

/** Art is a nicety: a reply never waits longer than this for it. */
export const ARTWORK_BUDGET_MS = 1500;

/** Plex serves JPEG art, Tautulli's fallback is PNG: name the file after its bytes so Discord shows it. */
export function imageExtension(data: Buffer): string {
  if (data.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return 'png';
  if (data.subarray(0, 4).toString('latin1') === 'RIFF') return 'webp';
  return 'jpg';
}

/**
 * Fetches images in parallel and returns, by position, those that arrived within the budget as
 * attachments named `art-{i}.{ext}`. Missing paths and failed or late images are simply absent.
 */
export async function fetchArtwork(
  paths: readonly string[],
  fetchImage: (path: string) => Promise<Buffer | null>,
  budgetMs = ARTWORK_BUDGET_MS,
): Promise<Map<number, ReplyFile>> {
  const files = new Map<number, ReplyFile>();
  const jobs = paths.map(async (path, index) => {
    if (!path) return;
    const data = await fetchImage(path);
    if (data) files.set(index, { name: `art-${index}.${imageExtension(data)}`, data });
  });
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<void>((resolve) => (timer = setTimeout(resolve, budgetMs)));
  await Promise.race([Promise.allSettled(jobs), budget]);
  clearTimeout(timer);
  // A copy: images that arrive after the budget must not change a reply already being sent.
  return new Map(files);
}
