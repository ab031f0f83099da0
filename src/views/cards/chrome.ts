import { createCanvas } from '@napi-rs/canvas';
import type { Image, SKRSContext2D } from '@napi-rs/canvas';
import { averageHue, roundImage } from './draw.ts';
import { font } from './fonts.ts';
import { cardText, ellipsize, fitText, label } from './text.ts';
import { THEME } from './theme.ts';

/** What every card shares: the background tinted after the artist's art, and the artist header. */

const PAD = 40;
const ART_RADIUS = 75;
const TEXT_X = PAD + 2 * ART_RADIUS + 32;

/** The background is drawn this many times smaller, then scaled up: see paintBackground. */
const BACKGROUND_SCALE = 8;

/**
 * A dark gradient tinted after the artist's art. Skia dithers gradients, and that noise doubles the PNG and
 * its encoding time; a small gradient scaled up is as smooth to the eye and compresses well.
 */
export function paintBackground(ctx: SKRSContext2D, width: number, height: number, art: Image | null): void {
  const tint = art ? averageHue(ctx, art) : null;
  const small = createCanvas(Math.ceil(width / BACKGROUND_SCALE), Math.ceil(height / BACKGROUND_SCALE));
  const bg = small.getContext('2d');
  bg.scale(1 / BACKGROUND_SCALE, 1 / BACKGROUND_SCALE);
  const base = bg.createLinearGradient(0, 0, width * 0.6, height);
  base.addColorStop(0, tint ? `hsl(${tint.h}, ${Math.round(Math.min(40, tint.s * 55))}%, 16%)` : '#26282d');
  base.addColorStop(0.55, THEME.background);
  base.addColorStop(1, THEME.backgroundEnd);
  bg.fillStyle = base;
  bg.fillRect(0, 0, width, height);
  const glow = bg.createRadialGradient(PAD + ART_RADIUS, PAD + ART_RADIUS, 0, PAD + ART_RADIUS, 90, 520);
  glow.addColorStop(0, tint ? `hsla(${tint.h}, 60%, 55%, 0.16)` : 'rgba(229, 160, 13, 0.08)');
  glow.addColorStop(1, 'rgba(0, 0, 0, 0)');
  bg.fillStyle = glow;
  bg.fillRect(0, 0, width, height);
  // Opaque first: scaling blends the small canvas's edges with transparency, and the PNG encoder needs
  // every pixel opaque.
  ctx.fillStyle = THEME.backgroundEnd;
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(small, 0, 0, small.width * BACKGROUND_SCALE, small.height * BACKGROUND_SCALE);
}

/** Artist art (or initial), a small label, the artist's name as large as fits, and one line of facts. */
export function header(
  ctx: SKRSContext2D,
  content: { art: Image | null; name: string; kicker: string; line: string },
): void {
  const width = ctx.canvas.width;
  const name = cardText(content.name) || 'Unknown artist';
  ctx.save();
  ctx.shadowColor = 'rgba(0, 0, 0, 0.45)';
  ctx.shadowBlur = 24;
  ctx.shadowOffsetY = 6;
  ctx.beginPath();
  ctx.arc(PAD + ART_RADIUS, PAD + ART_RADIUS, ART_RADIUS, 0, Math.PI * 2);
  ctx.fillStyle = THEME.panel;
  ctx.fill();
  ctx.restore();
  roundImage(ctx, content.art, name, PAD + ART_RADIUS, PAD + ART_RADIUS, ART_RADIUS);
  label(ctx, content.kicker, TEXT_X, 78, THEME.accent);
  fitText(ctx, name, TEXT_X, 136, width - PAD - TEXT_X, {
    weight: 700,
    sizes: [52, 46, 40, 34],
    color: THEME.text,
  });
  ctx.font = font(400, 20);
  ctx.fillStyle = THEME.muted;
  ctx.fillText(ellipsize(ctx, content.line, width - PAD - TEXT_X), TEXT_X, 176);
}
