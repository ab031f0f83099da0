import { expect } from 'vitest';
import { createCanvas, loadImage } from '@napi-rs/canvas';

export type Rgb = readonly [number, number, number];

export interface DecodedPng {
  width: number;
  height: number;
  pixel(x: number, y: number): Rgb;
}

/** Decodes PNG bytes back to pixels (through @napi-rs/canvas), so tests can check what a card shows. */
export async function decodePng(png: Buffer): Promise<DecodedPng> {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, 0, image.width, image.height).data;
  return {
    width: image.width,
    height: image.height,
    pixel(x, y) {
      const at = (Math.round(y) * image.width + Math.round(x)) * 4;
      return [data[at] as number, data[at + 1] as number, data[at + 2] as number];
    },
  };
}

export function hex(color: string): Rgb {
  const n = Number.parseInt(color.replace('#', ''), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

export function distance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * How far a progress bar is filled, in pixels: the last pixel along its middle line that is clearly not the
 * empty track's colour.
 */
export function filledLength(
  png: DecodedPng,
  bar: { x: number; y: number; w: number; h: number },
  track: Rgb,
): number {
  const y = bar.y + bar.h / 2;
  let end = 0;
  for (let x = bar.x; x < bar.x + bar.w; x++) {
    if (distance(png.pixel(x, y), track) > 60) end = x - bar.x + 1;
  }
  return end;
}
