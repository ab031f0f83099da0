import { createCanvas } from '@napi-rs/canvas';
import type { Image, SKRSContext2D } from '@napi-rs/canvas';
import { percent } from '../../services/listening/stats.ts';
import { header, paintBackground } from './chrome.ts';
import { checkBadge, cover, decodeImage, progressBar, roundRect } from './draw.ts';
import { ensureFonts, font } from './fonts.ts';
import { encodeOpaquePng } from './png.ts';
import { cardText, count, ellipsize, fitText, label } from './text.ts';
import { THEME } from './theme.ts';
import type { CardAlbum, CompletionCardInput } from './types.ts';
import { countOf } from '../../words.ts';

export const CARD_WIDTH = 1000;
const PAD = 40;
const GRID_TOP = 412;
const GAP = 18;
/** Rows of covers at most; an artist with more albums gets a "+N more" tile in the last cell. */
const MAX_ROWS = 4;

/** Where things are on a completion card with `albums` albums: for the renderer and for tests. */
export function completionLayout(albums: number) {
  const columns = albums <= 4 ? 4 : albums <= 5 ? 5 : albums <= 12 ? 6 : albums <= 24 ? 8 : 10;
  const shown = Math.min(albums, columns * MAX_ROWS);
  const rows = Math.max(1, Math.ceil(shown / columns));
  const cell = Math.floor((CARD_WIDTH - 2 * PAD - (columns - 1) * GAP) / columns);
  const titleSize = Math.min(18, Math.max(13, Math.round(cell * 0.13)));
  const metaSize = titleSize - 2;
  const rowHeight = cell + titleSize + metaSize + 22 + GAP;
  return {
    width: CARD_WIDTH,
    height: GRID_TOP + rows * rowHeight - GAP + PAD - 10,
    /** The big progress bar of the whole collection. */
    bar: { x: 290, y: 284, w: CARD_WIDTH - PAD - 290, h: 28 },
    grid: {
      top: GRID_TOP,
      columns,
      cell,
      gap: GAP,
      rowHeight,
      titleSize,
      metaSize,
      capacity: columns * MAX_ROWS,
    },
  };
}

/**
 * The albums that get a cell. With more albums than cells, those with plays win a place (the last cell
 * says how many more there are); the grid keeps the library's order.
 */
export function albumsToShow<T extends Pick<CardAlbum, 'played'>>(albums: readonly T[]): T[] {
  const capacity = completionLayout(albums.length).grid.capacity;
  if (albums.length <= capacity) return [...albums];
  const keep = new Set(
    albums
      .map((album, index) => ({ album, index }))
      .sort((x, y) => Number(y.album.played > 0) - Number(x.album.played > 0) || x.index - y.index)
      .slice(0, capacity - 1)
      .map((entry) => entry.index),
  );
  return albums.filter((_, index) => keep.has(index));
}

function albumCell(
  ctx: SKRSContext2D,
  album: CardAlbum,
  image: Image | null,
  x: number,
  y: number,
  grid: ReturnType<typeof completionLayout>['grid'],
): void {
  const { cell, titleSize, metaSize } = grid;
  const radius = Math.round(cell * 0.07);
  cover(ctx, image, { x, y, size: cell, radius }, album.key);
  const complete = album.total > 0 && album.played >= album.total;
  if (album.played === 0) {
    // Untouched albums recede, so the eye goes to what has been heard.
    roundRect(ctx, x, y, cell, cell, radius);
    ctx.fillStyle = 'rgba(17, 18, 20, 0.62)';
    ctx.fill();
  } else if (!complete) {
    const scrim = ctx.createLinearGradient(0, y + cell * 0.6, 0, y + cell);
    scrim.addColorStop(0, 'rgba(0, 0, 0, 0)');
    scrim.addColorStop(1, 'rgba(0, 0, 0, 0.78)');
    ctx.save();
    roundRect(ctx, x, y, cell, cell, radius);
    ctx.clip();
    ctx.fillStyle = scrim;
    ctx.fillRect(x, y + cell * 0.6, cell, cell * 0.4);
    ctx.restore();
    const h = Math.max(5, Math.round(cell * 0.06));
    const inset = Math.round(cell * 0.08);
    progressBar(
      ctx,
      { x: x + inset, y: y + cell - inset - h, w: cell - 2 * inset, h },
      album.played / album.total,
      THEME.accent,
      'rgba(255, 255, 255, 0.22)',
    );
  } else {
    roundRect(ctx, x + 1.5, y + 1.5, cell - 3, cell - 3, radius);
    ctx.lineWidth = 3;
    ctx.strokeStyle = THEME.complete;
    ctx.stroke();
    const r = Math.max(10, Math.round(cell * 0.11));
    checkBadge(ctx, x + cell - r - 5, y + r + 5, r);
  }
  ctx.font = font(600, titleSize);
  ctx.fillStyle = album.played === 0 ? THEME.muted : THEME.text;
  ctx.fillText(ellipsize(ctx, cardText(album.title) || 'Untitled', cell), x, y + cell + titleSize + 6);
  const meta = `${album.year ? `${album.year} · ` : ''}${album.played}/${album.total}`;
  ctx.font = font(400, metaSize);
  ctx.fillStyle = complete ? THEME.complete : album.played === 0 ? THEME.faint : THEME.muted;
  ctx.fillText(ellipsize(ctx, meta, cell), x, y + cell + titleSize + metaSize + 12);
}

function moreTile(ctx: SKRSContext2D, hidden: number, x: number, y: number, cell: number): void {
  roundRect(ctx, x, y, cell, cell, Math.round(cell * 0.07));
  ctx.fillStyle = THEME.panel;
  ctx.fill();
  ctx.font = font(700, Math.round(cell * 0.24));
  ctx.fillStyle = THEME.muted;
  ctx.textAlign = 'center';
  ctx.fillText(`+${hidden}`, x + cell / 2, y + cell / 2 + cell * 0.04);
  ctx.font = font(400, Math.max(12, Math.round(cell * 0.12)));
  ctx.fillStyle = THEME.faint;
  ctx.fillText('more', x + cell / 2, y + cell / 2 + cell * 0.24);
  ctx.textAlign = 'left';
}

/** The completion card: artist, the big percentage and bar, and the albums as a grid of covers. PNG bytes. */
export async function renderCompletionCard(input: CompletionCardInput): Promise<Buffer> {
  ensureFonts();
  const layout = completionLayout(input.albums.length);
  const shown = albumsToShow(input.albums);
  const [art, ...covers] = await Promise.all([
    decodeImage(input.art),
    ...shown.map((album) => decodeImage(album.cover)),
  ]);
  const canvas = createCanvas(layout.width, layout.height);
  const ctx = canvas.getContext('2d');
  paintBackground(ctx, layout.width, layout.height, art ?? null);

  const completed = input.albums.filter((a) => a.total > 0 && a.played >= a.total).length;
  const inProgress = input.albums.filter((a) => a.played > 0 && a.played < a.total).length;
  header(ctx, {
    art: art ?? null,
    name: input.artist,
    kicker: 'Artist completion',
    line: `${cardText(input.listener)} · ${count(input.plays)} ${input.plays === 1 ? 'play' : 'plays'} · ${countOf(completed, input.albums.length, 'album')} completed`,
  });

  const value = percent(input.played, input.total);
  const done = input.total > 0 && input.played >= input.total;
  fitText(ctx, `${value}%`, PAD - 4, layout.bar.y + layout.bar.h + 4, layout.bar.x - PAD - 16, {
    weight: 700,
    sizes: [96, 84],
    color: done ? THEME.complete : THEME.accent,
  });
  const fill = ctx.createLinearGradient(layout.bar.x, 0, layout.bar.x + layout.bar.w, 0);
  fill.addColorStop(0, done ? THEME.complete : THEME.accent);
  fill.addColorStop(1, done ? '#3ccf7a' : THEME.accentBright);
  progressBar(ctx, layout.bar, input.total ? input.played / input.total : 0, fill);
  ctx.font = font(600, 20);
  ctx.fillStyle = THEME.text;
  ctx.fillText(`${count(input.played)} of ${count(input.total)} tracks`, layout.bar.x, layout.bar.y - 14);
  ctx.font = font(400, 20);
  ctx.fillStyle = THEME.muted;
  ctx.textAlign = 'right';
  const left = input.total - input.played;
  ctx.fillText(done ? 'every track heard' : `${count(left)} to go`, CARD_WIDTH - PAD, layout.bar.y - 14);
  ctx.textAlign = 'left';

  ctx.fillStyle = 'rgba(255, 255, 255, 0.07)';
  ctx.fillRect(PAD, 350, CARD_WIDTH - 2 * PAD, 1);
  label(ctx, 'Albums', PAD, 390, THEME.faint);
  ctx.font = font(400, 15);
  ctx.fillStyle = THEME.faint;
  ctx.textAlign = 'right';
  const untouched = input.albums.length - completed - inProgress;
  ctx.fillText(
    `${completed} completed · ${inProgress} in progress · ${untouched} not played`,
    CARD_WIDTH - PAD,
    390,
  );
  ctx.textAlign = 'left';

  const { grid } = layout;
  const hidden = input.albums.length - shown.length;
  shown.forEach((album, i) => {
    const x = PAD + (i % grid.columns) * (grid.cell + GAP);
    const y = grid.top + Math.floor(i / grid.columns) * grid.rowHeight;
    albumCell(ctx, album, covers[i] ?? null, x, y, grid);
  });
  if (hidden > 0) {
    const i = shown.length;
    const x = PAD + (i % grid.columns) * (grid.cell + GAP);
    moreTile(ctx, hidden, x, grid.top + Math.floor(i / grid.columns) * grid.rowHeight, grid.cell);
  }
  return encodeOpaquePng(canvas);
}
