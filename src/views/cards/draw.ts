import { loadImage } from '@napi-rs/canvas';
import type { Image, SKRSContext2D } from '@napi-rs/canvas';
import { font } from './fonts.ts';
import { hueOf, THEME } from './theme.ts';

/**
 * Decoded images by the bytes they came from. The cover cache hands out the same Buffer for the same
 * cover, so a card drawn again (a page press, the next user) decodes nothing; an entry goes when its
 * Buffer is dropped from that cache.
 */
const decoded = new WeakMap<Buffer, Promise<Image | null>>();

/** Decodes cover bytes; anything that is not a readable image becomes null (drawn as a placeholder). */
export function decodeImage(data: Buffer | undefined): Promise<Image | null> {
  if (!data || data.length === 0) return Promise.resolve(null);
  let image = decoded.get(data);
  if (!image) {
    image = loadImage(data).then(
      (loaded) => (loaded.width > 0 && loaded.height > 0 ? loaded : null),
      () => null,
    );
    decoded.set(data, image);
  }
  return image;
}

export function roundRect(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, Math.min(r, w / 2, h / 2));
}

/**
 * A horizontal progress bar: track, then a fill exactly `round(fraction × w)` pixels long (tests measure
 * it). Returns the fill's length.
 */
export function progressBar(
  ctx: SKRSContext2D,
  box: { x: number; y: number; w: number; h: number },
  fraction: number,
  fill: SKRSContext2D['fillStyle'],
  track: string = THEME.track,
): number {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  roundRect(ctx, box.x, box.y, box.w, box.h, box.h / 2);
  ctx.fillStyle = track;
  ctx.fill();
  const length = Math.round(clamped * box.w);
  if (length > 0) {
    // Clip to the track so a short fill keeps the track's rounded start instead of a squashed pill.
    ctx.save();
    roundRect(ctx, box.x, box.y, box.w, box.h, box.h / 2);
    ctx.clip();
    ctx.fillStyle = fill;
    ctx.fillRect(box.x, box.y, length, box.h);
    ctx.restore();
  }
  return length;
}

/** A cover clipped to a rounded square, or a vinyl-record placeholder tinted by `seed` when there is none. */
export function cover(
  ctx: SKRSContext2D,
  image: Image | null,
  box: { x: number; y: number; size: number; radius: number },
  seed: string,
): void {
  const { x, y, size, radius } = box;
  ctx.save();
  roundRect(ctx, x, y, size, size, radius);
  ctx.clip();
  if (image) {
    // Centre-crop non-square art rather than stretch it.
    const side = Math.min(image.width, image.height);
    const sx = (image.width - side) / 2;
    const sy = (image.height - side) / 2;
    ctx.drawImage(image, sx, sy, side, side, x, y, size, size);
  } else {
    placeholder(ctx, x, y, size, hueOf(seed));
  }
  ctx.restore();
}

function placeholder(ctx: SKRSContext2D, x: number, y: number, size: number, hue: number): void {
  const background = ctx.createLinearGradient(x, y, x + size, y + size);
  background.addColorStop(0, `hsl(${hue}, 28%, 26%)`);
  background.addColorStop(1, `hsl(${(hue + 40) % 360}, 24%, 15%)`);
  ctx.fillStyle = background;
  ctx.fillRect(x, y, size, size);
  const cx = x + size / 2;
  const cy = y + size / 2;
  const r = size * 0.3;
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, Math.PI * 2);
  ctx.fillStyle = 'rgba(0, 0, 0, 0.45)';
  ctx.fill();
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.08)';
  ctx.lineWidth = Math.max(1, size / 80);
  for (const k of [0.55, 0.75, 0.9]) {
    ctx.beginPath();
    ctx.arc(cx, cy, r * k, 0, Math.PI * 2);
    ctx.stroke();
  }
  ctx.beginPath();
  ctx.arc(cx, cy, r * 0.3, 0, Math.PI * 2);
  ctx.fillStyle = `hsl(${hue}, 55%, 58%)`;
  ctx.fill();
  ctx.beginPath();
  ctx.arc(cx, cy, r * 0.07, 0, Math.PI * 2);
  ctx.fillStyle = THEME.background;
  ctx.fill();
}

/** A circle with the first letter of a name: for artists without art and for Plex users. */
export function initialCircle(ctx: SKRSContext2D, name: string, cx: number, cy: number, r: number): void {
  const hue = hueOf(name);
  const fill = ctx.createLinearGradient(cx - r, cy - r, cx + r, cy + r);
  fill.addColorStop(0, `hsl(${hue}, 45%, 45%)`);
  fill.addColorStop(1, `hsl(${(hue + 50) % 360}, 45%, 30%)`);
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, Math.PI * 2);
  ctx.fillStyle = fill;
  ctx.fill();
  const initial = Array.from(name.trim())[0]?.toUpperCase() ?? '?';
  ctx.font = font(700, Math.round(r * 0.95));
  ctx.fillStyle = THEME.text;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(initial, cx, cy + r * 0.04);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
}

/** A round image (artist art), or the artist's initial when there is none. */
export function roundImage(
  ctx: SKRSContext2D,
  image: Image | null,
  name: string,
  cx: number,
  cy: number,
  r: number,
): void {
  if (!image) return initialCircle(ctx, name, cx, cy, r);
  ctx.save();
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, Math.PI * 2);
  ctx.clip();
  const side = Math.min(image.width, image.height);
  ctx.drawImage(
    image,
    (image.width - side) / 2,
    (image.height - side) / 2,
    side,
    side,
    cx - r,
    cy - r,
    2 * r,
    2 * r,
  );
  ctx.restore();
}

/** A filled circle with a check mark: "album completed". */
export function checkBadge(ctx: SKRSContext2D, cx: number, cy: number, r: number): void {
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, Math.PI * 2);
  ctx.fillStyle = THEME.complete;
  ctx.fill();
  ctx.lineWidth = Math.max(2, r * 0.22);
  ctx.strokeStyle = THEME.background;
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(cx - r * 0.42, cy + r * 0.02);
  ctx.lineTo(cx - r * 0.1, cy + r * 0.34);
  ctx.lineTo(cx + r * 0.45, cy - r * 0.3);
  ctx.lineWidth = Math.max(2, r * 0.2);
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = '#ffffff';
  ctx.stroke();
}

/** A crown `w` wide whose base sits on `baseY`, centred on `cx`: the battle's winner. */
export function crown(ctx: SKRSContext2D, cx: number, baseY: number, w: number, color: string): void {
  const h = w * 0.72;
  const left = cx - w / 2;
  ctx.beginPath();
  ctx.moveTo(left, baseY);
  ctx.lineTo(left - w * 0.04, baseY - h * 0.78);
  ctx.lineTo(left + w * 0.27, baseY - h * 0.42);
  ctx.lineTo(cx, baseY - h);
  ctx.lineTo(left + w * 0.73, baseY - h * 0.42);
  ctx.lineTo(left + w * 1.04, baseY - h * 0.78);
  ctx.lineTo(left + w, baseY);
  ctx.closePath();
  ctx.fillStyle = color;
  ctx.fill();
  for (const [px, py] of [
    [left - w * 0.04, baseY - h * 0.78],
    [cx, baseY - h],
    [left + w * 1.04, baseY - h * 0.78],
  ] as const) {
    ctx.beginPath();
    ctx.arc(px, py, w * 0.08, 0, Math.PI * 2);
    ctx.fill();
  }
}

/**
 * The hue and saturation of an image's average colour, for tinting a card after its artist's art. Draws
 * the image 8×8 in the canvas corner: call it before painting the background.
 */
export function averageHue(ctx: SKRSContext2D, image: Image): { h: number; s: number } | null {
  ctx.save();
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(image, 0, 0, 8, 8);
  const data = ctx.getImageData(0, 0, 8, 8).data;
  ctx.restore();
  let r = 0;
  let g = 0;
  let b = 0;
  for (let i = 0; i < data.length; i += 4) {
    r += (data[i] as number) / 64;
    g += (data[i + 1] as number) / 64;
    b += (data[i + 2] as number) / 64;
  }
  const max = Math.max(r, g, b) / 255;
  const min = Math.min(r, g, b) / 255;
  if (max - min < 0.06) return null; // grey art: keep the neutral background
  const d = max - min;
  let h: number;
  if (max === r / 255) h = ((g - b) / 255 / d) % 6;
  else if (max === g / 255) h = (b - r) / 255 / d + 2;
  else h = (r - g) / 255 / d + 4;
  const l = (max + min) / 2;
  return { h: Math.round((h * 60 + 360) % 360), s: d / (1 - Math.abs(2 * l - 1)) };
}
