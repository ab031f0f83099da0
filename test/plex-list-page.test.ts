import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toUserMessage } from '../src/errors.ts';
import { readListPage } from '../src/services/plex/list-page.ts';

const bytes = (value: unknown, space?: number) => Buffer.from(JSON.stringify(value, null, space));
/** What JSON.parse of the whole page gives: the container without its items, and the items. */
function whole(buffer: Buffer) {
  const body = JSON.parse(buffer.toString('utf8')) as { MediaContainer: { Metadata?: unknown[] } };
  const { Metadata = [], ...rest } = body.MediaContainer;
  return { container: { MediaContainer: { ...rest, Metadata: [] } }, items: Metadata };
}

describe('a paged list read item by item', () => {
  it('reads a real Plex body (pretty-printed, Metadata last, nested Media arrays) as JSON.parse does', () => {
    const real = readFileSync(new URL('./fixtures/plex/music_tracks.json', import.meta.url));
    const page = readListPage(real, 'tracks');
    expect(page.items).toHaveLength(3);
    expect(page).toEqual(whole(real));
  });

  it('is not fooled by quotes, braces and brackets inside titles, nor by Metadata in the middle', () => {
    const tricky = {
      MediaContainer: {
        size: 3,
        Metadata: [
          { ratingKey: '1', title: 'A "quoted" }] title {[ \\ with a backslash', year: 2001 },
          { ratingKey: 2, title: 'Ça va — 東京 🎸', Media: [{ Part: [{ id: 9, key: '/p' }] }] },
          { ratingKey: '3', title: '"Metadata": [' },
        ],
        totalSize: 7000,
        title1: '{"Metadata":[]}',
      },
    };
    for (const space of [undefined, 2]) {
      const page = readListPage(bytes(tricky, space), 'tracks');
      expect(page).toEqual(whole(bytes(tricky, space)));
      expect((page.container as typeof tricky).MediaContainer.totalSize).toBe(7000);
    }
  });

  it('reads a page without items (an empty section) and refuses a body that is not JSON', () => {
    expect(readListPage(bytes({ MediaContainer: { size: 0, totalSize: 0 } }), 'tracks')).toEqual({
      container: { MediaContainer: { size: 0, totalSize: 0 } },
      items: [],
    });
    for (const broken of [
      '<html>Service Unavailable</html>',
      '{"MediaContainer":{"Metadata":[{"a":1},{"b"',
    ]) {
      const error = (() => {
        try {
          readListPage(Buffer.from(broken), 'tracks');
        } catch (e) {
          return e;
        }
      })();
      expect(toUserMessage(error).text).toMatch(/Plex sent an answer Autoalex could not understand/);
    }
  });
});
