import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { battleLayout, renderBattleCard } from '../src/views/cards/battle-card.ts';
import { completionLayout, renderCompletionCard } from '../src/views/cards/completion-card.ts';
import { memoCard } from '../src/views/cards/memo.ts';
import { ensureFonts, font, fontDirectory } from '../src/views/cards/fonts.ts';
import { cardText, ellipsize } from '../src/views/cards/text.ts';
import { THEME } from '../src/views/cards/theme.ts';
import type { CardAlbum, CompletionCardInput } from '../src/views/cards/types.ts';
import { createRng } from '../fakes/library.ts';
import { solidPng } from '../fakes/png.ts';
import { decodePng, distance, filledLength, hex, luminance } from './helpers/png-pixels.ts';
import type { DecodedPng } from './helpers/png-pixels.ts';

const RED = [220, 30, 30] as const;
const TRACK = hex(THEME.track);
const redCover = solidPng(64, 64, RED);

/** An album with a red cover, or with `cover` (null: none). */
function album(i: number, played: number, total: number, cover: Buffer | null = redCover): CardAlbum {
  return {
    key: String(5000 + i),
    title: `Album ${i}`,
    year: 1990 + i,
    played,
    total,
    cover: cover ?? undefined,
  };
}

function completion(albums: CardAlbum[], extra: Partial<CompletionCardInput> = {}): CompletionCardInput {
  const played = albums.reduce((n, a) => n + a.played, 0);
  const total = albums.reduce((n, a) => n + a.total, 0);
  return { artist: 'System of a Down', listener: 'Alex', played, total, plays: played * 3, albums, ...extra };
}

/** The top-left corner of album cell `i`. */
function cellAt(layout: ReturnType<typeof completionLayout>, i: number) {
  const { columns, cell, gap, rowHeight, top } = layout.grid;
  return { x: 40 + (i % columns) * (cell + gap), y: top + Math.floor(i / columns) * rowHeight, cell };
}

/** Pixels in a rectangle brighter than the card's darkest text colour could be by accident. */
function brightPixels(png: DecodedPng, box: { x0: number; x1: number; y0: number; y1: number }): number {
  let bright = 0;
  for (let y = box.y0; y < box.y1; y++)
    for (let x = box.x0; x < box.x1; x++) if (luminance(png.pixel(x, y)) > 140) bright++;
  return bright;
}

describe('completion card', () => {
  it('is a PNG of the layout size whose main bar is filled to the share of tracks heard', async () => {
    // 30 albums: complete, in progress and untouched ones.
    const albums = Array.from({ length: 30 }, (_, i) => album(i, [12, 5, 0][i % 3] as number, 12));
    const input = completion(albums);
    const png = await decodePng(await renderCompletionCard(input));
    const layout = completionLayout(30);
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    expect(layout.grid.columns).toBe(10);
    const expected = Math.round((input.played / input.total) * layout.bar.w);
    expect(Math.abs(filledLength(png, layout.bar, TRACK) - expected)).toBeLessThanOrEqual(2);

    // Album 0 is complete: a green frame. Album 1 is in progress: its cover shows (red) above its bar.
    // Album 2 was never played: its cover is dimmed.
    const done = cellAt(layout, 0);
    expect(distance(png.pixel(done.x + 1, done.y + done.cell / 2), hex(THEME.complete))).toBeLessThan(40);
    const going = cellAt(layout, 1);
    expect(distance(png.pixel(going.x + 12, going.y + 12), RED)).toBeLessThan(30);
    const barTop =
      going.y + going.cell - Math.round(going.cell * 0.08) - Math.max(5, Math.round(going.cell * 0.06));
    expect(distance(png.pixel(going.x + going.cell * 0.12, barTop + 2), hex(THEME.accent))).toBeLessThan(40);
    const untouched = cellAt(layout, 2);
    const dimmed = png.pixel(untouched.x + 12, untouched.y + 12);
    expect(dimmed[0]).toBeLessThan(120);
    expect(distance(dimmed, RED)).toBeGreaterThan(100);
  });

  it('fills the bar exactly for generated libraries of every size, with no gap in the grid', async () => {
    const rng = createRng(7);
    for (const count of [0, 1, 4, 7, 13, 25, 44]) {
      const albums = Array.from({ length: count }, (_, i) => {
        const total = rng.int(1, 20);
        return album(i, rng.chance(0.3) ? 0 : rng.int(0, total), total);
      });
      // An artist whose albums are unknown still has tracks.
      const input = count === 0 ? { ...completion([]), played: 3, total: 7 } : completion(albums);
      const png = await decodePng(await renderCompletionCard(input));
      const layout = completionLayout(count);
      expect([png.width, png.height]).toEqual([layout.width, layout.height]);
      const expected = input.total ? Math.round((input.played / input.total) * layout.bar.w) : 0;
      expect(
        Math.abs(filledLength(png, layout.bar, TRACK) - expected),
        `${count} albums`,
      ).toBeLessThanOrEqual(2);
    }
  });

  it('shows 40 cells at most: the last says how many more albums there are', async () => {
    const albums = Array.from({ length: 44 }, (_, i) => album(i, i % 2, 12));
    const png = await decodePng(await renderCompletionCard(completion(albums)));
    const layout = completionLayout(44);
    expect(layout.grid.capacity).toBe(40);
    const last = cellAt(layout, 39);
    // The "+5 more" tile is a flat panel, not a red cover.
    expect(distance(png.pixel(last.x + 4, last.y + last.cell / 2), hex(THEME.panel))).toBeLessThan(12);
    // …with "+5" written on it.
    expect(
      brightPixels(png, { x0: last.x, x1: last.x + last.cell, y0: last.y, y1: last.y + last.cell }),
    ).toBeGreaterThan(20);
  });

  it('draws a placeholder for a missing or unreadable cover, and still renders', async () => {
    const albums = [album(0, 3, 10), album(1, 3, 10, null), album(2, 3, 10, Buffer.from('<html>502</html>'))];
    const png = await decodePng(await renderCompletionCard(completion(albums, { art: Buffer.from('nope') })));
    const layout = completionLayout(3);
    expect(distance(png.pixel(cellAt(layout, 0).x + 12, cellAt(layout, 0).y + 12), RED)).toBeLessThan(30);
    for (const i of [1, 2]) {
      const { x, y } = cellAt(layout, i);
      const corner = png.pixel(x + 12, y + 12);
      expect(distance(corner, RED)).toBeGreaterThan(100);
      // A placeholder, not a hole in the card: differs from the background beside the cell.
      expect(distance(corner, png.pixel(x - 8, y + 12))).toBeGreaterThan(10);
    }
  });

  it('ellipsizes a long artist name at the right margin instead of overflowing', async () => {
    const artist = 'Godspeed You! Black Emperor and the Extraordinarily Long Name Orchestra '.repeat(4);
    const png = await decodePng(await renderCompletionCard(completion([album(0, 1, 2)], { artist })));
    const band = { y0: 88, y1: 150 };
    // Text reaches the margin (so it was not simply shrunk to nothing)…
    expect(brightPixels(png, { ...band, x0: 1000 - 40 - 60, x1: 1000 - 40 })).toBeGreaterThan(20);
    // …and not one bright pixel beyond it.
    expect(brightPixels(png, { ...band, x0: 1000 - 40 + 2, x1: 1000 })).toBe(0);
  });

  it('keeps long album titles inside their cell', async () => {
    const long = 'When the River Sings Like a Mountain, Quiet Shadow, Bright Morning (Deluxe Version)';
    const albums = Array.from({ length: 30 }, (_, i) => ({ ...album(i, 1, 3), title: long }));
    const png = await decodePng(await renderCompletionCard(completion(albums)));
    const layout = completionLayout(30);
    const first = cellAt(layout, 0);
    const titleBand = { y0: first.y + first.cell + 2, y1: first.y + first.cell + 24 };
    expect(brightPixels(png, { ...titleBand, x0: first.x, x1: first.x + first.cell })).toBeGreaterThan(20);
    // The gap between the first two cells stays empty.
    const gap = { x0: first.x + first.cell + 2, x1: first.x + first.cell + layout.grid.gap - 2 };
    expect(brightPixels(png, { ...titleBand, ...gap })).toBe(0);
  });

  it('draws a Japanese artist name as glyphs', async () => {
    const png = await decodePng(
      await renderCompletionCard(completion([album(0, 1, 2)], { artist: '宇多田ヒカル' })),
    );
    expect(brightPixels(png, { x0: 222, x1: 600, y0: 88, y1: 150 })).toBeGreaterThan(400);
  });
});

describe('fonts', () => {
  it('are found next to the package, registered under our own names', () => {
    ensureFonts();
    expect(fontDirectory()).toBe(new URL('../assets/fonts', import.meta.url).pathname);
    for (const family of ['Autoalex Sans', 'Autoalex CJK', 'Autoalex Arabic', 'Autoalex Hebrew'])
      expect(GlobalFonts.has(family)).toBe(true);
  });

  it('draw Latin, Cyrillic, Greek, Japanese, Chinese, Korean, Hebrew, Arabic, Thai and Devanagari letters as distinct glyphs, not boxes', () => {
    ensureFonts();
    const bitmap = (char: string) => {
      const canvas = createCanvas(64, 64);
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, 64, 64);
      ctx.font = font(400, 44);
      ctx.fillStyle = '#fff';
      ctx.fillText(char, 8, 48);
      return Buffer.from(ctx.getImageData(0, 0, 64, 64).data);
    };
    const ink = (b: Buffer) => b.filter((v, i) => i % 4 === 0 && v > 128).length;
    const chars = ['A', 'Ж', 'λ', '宇', 'ヒ', '周', '방', 'ש', 'ف', 'ก', 'ह'];
    const missing = bitmap('\ue000'); // private use: in no font, drawn as whatever "missing" looks like
    const seen = new Set<string>();
    for (const char of chars) {
      const b = bitmap(char);
      expect(ink(b), char).toBeGreaterThan(20);
      expect(b.equals(missing), char).toBe(false);
      seen.add(b.toString('base64'));
    }
    expect(seen.size).toBe(chars.length);
  });
});

describe('card text', () => {
  it('drops emoji and control characters but keeps letters and symbols', () => {
    expect(cardText('Alex 🎸🔥')).toBe('Alex');
    expect(cardText('A👨‍👩‍👧B 🇯🇵')).toBe('A B');
    expect(cardText('Beyoncé ★\tSigur\nRós')).toBe('Beyoncé ★ Sigur Rós');
    expect(cardText('हिन्दी')).toBe('हिन्दी');
  });

  it('ellipsizes at grapheme boundaries within the width', () => {
    ensureFonts();
    const ctx = createCanvas(10, 10).getContext('2d');
    ctx.font = font(400, 20);
    expect(ellipsize(ctx, 'Toxicity', 500)).toBe('Toxicity');
    const cut = ellipsize(ctx, 'e\u0301'.repeat(200), 150);
    expect(cut.endsWith('…')).toBe(true);
    expect(ctx.measureText(cut).width).toBeLessThanOrEqual(150);
    // Every "e" keeps its combining accent.
    expect(cut.slice(0, -1)).toBe('e\u0301'.repeat((cut.length - 1) / 2));
  });
});

describe('battle card', () => {
  const side = (name: string, played: number, plays: number) => ({
    name,
    played,
    total: 480,
    plays,
    albumsCompleted: 1,
  });
  const albums = Array.from({ length: 9 }, (_, i) => ({
    key: String(7000 + i),
    title: `Album ${i}`,
    total: 12,
    playedA: i,
    playedB: 12 - i,
    cover: i === 3 ? undefined : redCover,
  }));

  it('puts both users side by side with their bars, and frames the winner in gold', async () => {
    const input = { artist: 'Skrillex', a: side('Alex', 312, 100), b: side('Sam', 120, 900), albums };
    const png = await decodePng(await renderBattleCard({ ...input, winner: 'a' }));
    const layout = battleLayout(8);
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    const [left, right] = layout.panels as [(typeof layout.panels)[0], (typeof layout.panels)[0]];
    for (const [panel, played] of [
      [left, 312],
      [right, 120],
    ] as const) {
      const expected = Math.round((played / 480) * panel.bar.w);
      expect(Math.abs(filledLength(png, panel.bar, TRACK) - expected)).toBeLessThanOrEqual(2);
    }
    const edge = (p: typeof left) => png.pixel(p.x, p.y + p.h / 2);
    expect(distance(edge(left), hex(THEME.accent))).toBeLessThan(50);
    expect(distance(edge(right), hex(THEME.accent))).toBeGreaterThan(120);

    const tie = await decodePng(await renderBattleCard({ ...input, winner: null }));
    for (const panel of [left, right])
      expect(distance(tie.pixel(panel.x, panel.y + panel.h / 2), hex(THEME.accent))).toBeGreaterThan(120);
  });

  it('leaves out the head-to-head strip for an artist without albums', async () => {
    const input = { artist: 'Nobody', a: side('Alex', 0, 0), b: side('Sam', 0, 0), albums: [], winner: null };
    const png = await decodePng(await renderBattleCard(input));
    expect([png.width, png.height]).toEqual([battleLayout(0).width, battleLayout(0).height]);
    expect(battleLayout(0).height).toBeLessThan(battleLayout(3).height);
  });
});

describe('cards drawn again', () => {
  it('reuses the card drawn for an equal input, and draws anew when a number or a cover differs', async () => {
    let drawn = 0;
    const draw = (input: CompletionCardInput) => {
      drawn++;
      return renderCompletionCard(input);
    };
    const first = await memoCard('completion', completion([album(1, 3, 10), album(2, 10, 10)]), draw);
    // The same input built again (new objects, a copy of the cover's bytes), as a page press builds it.
    const again = completion([album(1, 3, 10, Buffer.from(redCover)), album(2, 10, 10)]);
    expect(await memoCard('completion', again, draw)).toBe(first);
    expect(drawn).toBe(1);
    const played = await memoCard('completion', completion([album(1, 4, 10), album(2, 10, 10)]), draw);
    const blue = solidPng(64, 64, [30, 30, 220]);
    const cover = await memoCard('completion', completion([album(1, 3, 10, blue), album(2, 10, 10)]), draw);
    expect(drawn).toBe(3);
    expect(played.equals(first)).toBe(false);
    expect(cover.equals(first)).toBe(false);
  });
});
