import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GlobalFonts } from '@napi-rs/canvas';

/**
 * The fonts shipped in assets/fonts (see its README), registered under our own family names so that a
 * system font of the same name can never change a card. Latin, Greek and Cyrillic come from Inter; the
 * others are fallbacks Skia picks glyph by glyph in list order.
 */
const FILES = [
  ['Inter-Regular.otf', 'Autoalex Sans'],
  ['Inter-SemiBold.otf', 'Autoalex Sans'],
  ['Inter-Bold.otf', 'Autoalex Sans'],
  ['NotoSansCJKjp-Subset-Regular.otf', 'Autoalex CJK'],
  ['NotoSansArabic-Regular.ttf', 'Autoalex Arabic'],
  ['NotoSansHebrew-Regular.ttf', 'Autoalex Hebrew'],
  ['NotoSansThai-Regular.ttf', 'Autoalex Thai'],
  ['NotoSansDevanagari-Regular.ttf', 'Autoalex Devanagari'],
] as const;

/** The CSS font-family list every card uses. */
export const FONT_FAMILY = [...new Set(FILES.map(([, family]) => `"${family}"`))].join(', ');

let registered = false;

/**
 * assets/fonts at the package root, found by walking up from this module: it is src/views/cards under tsx
 * and dist/src/views/cards once compiled, so a fixed relative path would be right in only one of them.
 */
export function fontDirectory(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth++) {
    const candidate = join(dir, 'assets', 'fonts');
    if (existsSync(join(candidate, FILES[0][0]))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('assets/fonts not found above the card renderer');
}

/** Registers the bundled fonts once per process; throws when a file is missing or unreadable. */
export function ensureFonts(): void {
  if (registered) return;
  const dir = fontDirectory();
  for (const [file, family] of FILES) {
    if (!GlobalFonts.registerFromPath(join(dir, file), family)) throw new Error(`cannot load font ${file}`);
  }
  registered = true;
}

/** A canvas `font` value: weight 400 (regular), 600 or 700. */
export function font(weight: 400 | 600 | 700, sizePx: number): string {
  return `${weight} ${sizePx}px ${FONT_FAMILY}`;
}
