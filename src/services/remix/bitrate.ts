/** MP3 bitrates the remix steps through to fit Discord's upload limit; below 128 kbps it says so instead. */
export const BITRATES_KBPS = [320, 256, 224, 192, 160, 128] as const;

/** Xing header, ID3 tags and rounding add about 2 % to `seconds × kbps × 125` (notes/remix.md §8.5). */
const OVERHEAD = 1.02;

export function estimatedBytes(seconds: number, kbps: number): number {
  return Math.ceil(seconds * kbps * 125 * OVERHEAD);
}

/** The bitrates worth encoding for this length and limit, best first; empty when even 128 kbps is too big. */
export function bitrateLadder(seconds: number, limitBytes: number): number[] {
  return BITRATES_KBPS.filter((kbps) => estimatedBytes(seconds, kbps) <= limitBytes);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024 ** 2) return `${Math.max(1, Math.round(bytes / 1024))} KiB`;
  const mib = bytes / 1024 ** 2;
  return `${mib >= 10 ? Math.round(mib) : mib.toFixed(1)} MiB`;
}
