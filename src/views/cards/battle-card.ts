import { createCanvas } from '@napi-rs/canvas';
import type { Image, SKRSContext2D } from '@napi-rs/canvas';
import { percent } from '../../services/listening/stats.ts';
import { header, paintBackground } from './chrome.ts';
import { cover, crown, decodeImage, initialCircle, progressBar, roundRect } from './draw.ts';
import { ensureFonts, font } from './fonts.ts';
import { encodeOpaquePng } from './png.ts';
import { cardText, count, ellipsize, fitText, label } from './text.ts';
import { THEME } from './theme.ts';
import type { BattleAlbum, BattleCardInput, BattleSide } from './types.ts';

const WIDTH = 1000;
const PAD = 40;
const PANEL_TOP = 220;
const PANEL_HEIGHT = 284;
const PANEL_GAP = 72;
const PANEL_WIDTH = (WIDTH - 2 * PAD - PANEL_GAP) / 2;
const STRIP_TOP = 548;
const STRIP_ALBUMS = 8;
const STRIP_GAP = 16;

/** Where things are on a battle card: for the renderer and for tests. */
export function battleLayout(albums: number) {
  const cell = Math.floor((WIDTH - 2 * PAD - (STRIP_ALBUMS - 1) * STRIP_GAP) / STRIP_ALBUMS);
  const inner = PANEL_WIDTH - 56;
  return {
    width: WIDTH,
    height: albums > 0 ? STRIP_TOP + 24 + cell + 76 : PANEL_TOP + PANEL_HEIGHT + PAD,
    panels: [PAD, PAD + PANEL_WIDTH + PANEL_GAP].map((x) => ({
      x,
      y: PANEL_TOP,
      w: PANEL_WIDTH,
      h: PANEL_HEIGHT,
      bar: { x: x + 28, y: PANEL_TOP + 186, w: inner, h: 16 },
    })),
    strip: { top: STRIP_TOP + 24, cell, shown: Math.min(albums, STRIP_ALBUMS) },
  };
}

type Panel = ReturnType<typeof battleLayout>['panels'][number];

function statColumn(ctx: SKRSContext2D, x: number, y: number, value: string, name: string): void {
  ctx.font = font(700, 24);
  ctx.fillStyle = THEME.text;
  ctx.fillText(value, x, y);
  label(ctx, name, x, y + 24, THEME.faint, 12);
}

function panel(
  ctx: SKRSContext2D,
  box: Panel,
  side: BattleSide,
  color: string,
  standing: { winner: boolean; note: string },
): void {
  const { winner } = standing;
  const { x, y, w, h } = box;
  ctx.save();
  if (winner) {
    ctx.shadowColor = 'rgba(229, 160, 13, 0.35)';
    ctx.shadowBlur = 28;
  }
  roundRect(ctx, x, y, w, h, 18);
  const fill = ctx.createLinearGradient(x, y, x, y + h);
  fill.addColorStop(0, winner ? 'rgba(229, 160, 13, 0.16)' : 'rgba(255, 255, 255, 0.05)');
  fill.addColorStop(1, 'rgba(255, 255, 255, 0.02)');
  ctx.fillStyle = THEME.background;
  ctx.fill();
  ctx.restore();
  roundRect(ctx, x, y, w, h, 18);
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = winner ? 3 : 1.5;
  ctx.strokeStyle = winner ? THEME.accent : THEME.panelBorder;
  ctx.stroke();

  const name = cardText(side.name) || 'Someone';
  const cx = x + 28 + 32;
  const cy = y + 28 + 36;
  initialCircle(ctx, name, cx, cy, 32);
  ctx.beginPath();
  ctx.arc(cx, cy, 34, 0, Math.PI * 2);
  ctx.lineWidth = 3;
  ctx.strokeStyle = color;
  ctx.stroke();
  if (winner) crown(ctx, cx, cy - 38, 34, THEME.accentBright);
  const textX = cx + 50;
  fitText(ctx, name, textX, cy + 2, x + w - 28 - textX, {
    weight: 700,
    sizes: [30, 26, 22],
    color: THEME.text,
  });
  if (winner) label(ctx, 'Winner', textX, cy + 28, THEME.accentBright, 13);
  else {
    ctx.font = font(400, 15);
    ctx.fillStyle = THEME.faint;
    ctx.fillText(standing.note, textX, cy + 28);
  }

  const share = side.total ? side.played / side.total : 0;
  ctx.font = font(700, 64);
  ctx.fillStyle = winner ? THEME.accent : THEME.text;
  ctx.fillText(`${percent(side.played, side.total)}%`, x + 26, box.bar.y - 18);
  progressBar(ctx, box.bar, share, color);
  const statY = box.bar.y + 56;
  const third = box.bar.w / 3;
  statColumn(ctx, box.bar.x, statY, `${count(side.played)}/${count(side.total)}`, 'Tracks');
  statColumn(ctx, box.bar.x + third, statY, count(side.plays), 'Plays');
  statColumn(ctx, box.bar.x + 2 * third, statY, count(side.albumsCompleted), 'Albums done');
}

function versus(ctx: SKRSContext2D, tie: boolean): void {
  const cx = WIDTH / 2;
  const cy = PANEL_TOP + PANEL_HEIGHT / 2;
  ctx.beginPath();
  ctx.arc(cx, cy, 30, 0, Math.PI * 2);
  ctx.fillStyle = THEME.panel;
  ctx.fill();
  ctx.lineWidth = 2;
  ctx.strokeStyle = THEME.panelBorder;
  ctx.stroke();
  ctx.font = font(700, tie ? 15 : 20);
  ctx.fillStyle = tie ? THEME.accent : THEME.muted;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(tie ? 'TIE' : 'VS', cx, cy + 1);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
}

function stripAlbum(
  ctx: SKRSContext2D,
  album: BattleAlbum,
  image: Image | null,
  x: number,
  y: number,
  cell: number,
): void {
  cover(ctx, image, { x, y, size: cell, radius: 8 }, album.key);
  const total = Math.max(1, album.total);
  progressBar(ctx, { x, y: y + cell + 10, w: cell, h: 6 }, album.playedA / total, THEME.sideA);
  progressBar(ctx, { x, y: y + cell + 22, w: cell, h: 6 }, album.playedB / total, THEME.sideB);
  ctx.font = font(600, 14);
  ctx.fillStyle = THEME.muted;
  ctx.fillText(ellipsize(ctx, cardText(album.title) || 'Untitled', cell), x, y + cell + 48);
}

function legend(ctx: SKRSContext2D, a: string, b: string, y: number): void {
  ctx.font = font(600, 15);
  const names = [ellipsize(ctx, a, 220), ellipsize(ctx, b, 220)];
  let right = WIDTH - PAD;
  for (const [i, name] of [...names.entries()].reverse()) {
    const width = ctx.measureText(name).width;
    ctx.fillStyle = THEME.muted;
    ctx.fillText(name, right - width, y);
    roundRect(ctx, right - width - 22, y - 11, 14, 6, 3);
    ctx.fillStyle = i === 0 ? THEME.sideA : THEME.sideB;
    ctx.fill();
    right -= width + 44;
  }
}

/** The battle card: two users side by side, the winner crowned, and their albums head to head. PNG bytes. */
export async function renderBattleCard(input: BattleCardInput): Promise<Buffer> {
  ensureFonts();
  const albums = input.albums.slice(0, STRIP_ALBUMS);
  const layout = battleLayout(albums.length);
  const [art, ...covers] = await Promise.all([
    decodeImage(input.art),
    ...albums.map((album) => decodeImage(album.cover)),
  ]);
  const canvas = createCanvas(layout.width, layout.height);
  const ctx = canvas.getContext('2d');
  paintBackground(ctx, layout.width, layout.height, art ?? null);

  const a = cardText(input.a.name) || 'Someone';
  const b = cardText(input.b.name) || 'Someone';
  const shareA = input.a.total ? input.a.played / input.a.total : 0;
  const shareB = input.b.total ? input.b.played / input.b.total : 0;
  const winner = input.winner === 'a' ? a : input.winner === 'b' ? b : null;
  header(ctx, {
    art: art ?? null,
    name: input.artist,
    kicker: 'Listening battle',
    line: winner
      ? `${winner} wins ${shareA !== shareB ? 'on completion' : 'on plays, at equal completion'}`
      : 'A tie: the same completion and the same number of plays',
  });
  const [left, right] = layout.panels as [Panel, Panel];
  const gap = Math.abs(percent(input.a.played, input.a.total) - percent(input.b.played, input.b.total));
  const note =
    winner === null
      ? 'Tied'
      : shareA === shareB
        ? 'Fewer plays'
        : gap > 0
          ? `${gap} ${gap === 1 ? 'point' : 'points'} behind`
          : 'Just behind';
  panel(ctx, left, input.a, THEME.sideA, { winner: input.winner === 'a', note });
  panel(ctx, right, input.b, THEME.sideB, { winner: input.winner === 'b', note });
  versus(ctx, input.winner === null);

  if (albums.length > 0) {
    label(ctx, 'Head to head', PAD, STRIP_TOP, THEME.faint);
    legend(ctx, a, b, STRIP_TOP);
    const { cell, top } = layout.strip;
    albums.forEach((album, i) => {
      stripAlbum(ctx, album, covers[i] ?? null, PAD + i * (cell + STRIP_GAP), top, cell);
    });
  }
  return encodeOpaquePng(canvas);
}
