import { describe, expect, it } from 'vitest';
import { batchCsv } from '../src/services/credits/batch.ts';

// Album and artist titles come from the Plex library, which anyone with upload rights can name: a title
// such as =HYPERLINK(...) must not become a formula when an admin opens the enrich report in a spreadsheet.

describe('the enrich_library CSV report', () => {
  it.each([
    ['=HYPERLINK("https://evil.example","click")', `"'=HYPERLINK(""https://evil.example"",""click"")"`],
    ['+1+cmd|calc', "'+1+cmd|calc"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1', "'\t=1"],
  ])('neutralises a cell starting like a formula: %s', (title, cell) => {
    const csv = batchCsv([
      { albumKey: '1', artist: 'A', album: title, outcome: 'not found', detail: '', source: '' },
    ]);
    expect(csv.split('\r\n')[1]).toBe(`1,A,${cell},not found,,`);
  });

  it('leaves ordinary titles as they are', () => {
    const csv = batchCsv([
      {
        albumKey: '2',
        artist: 'Miles Davis',
        album: 'Kind of Blue, Legacy',
        outcome: 'enriched',
        detail: 'x',
        source: 'discogs',
      },
    ]);
    expect(csv.split('\r\n')[1]).toBe('2,Miles Davis,"Kind of Blue, Legacy",enriched,x,discogs');
  });
});
