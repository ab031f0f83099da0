import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aggregate, formatCredits, performancesFromRelations } from '../src/services/credits/aggregate.ts';
import type { MbRelation, Performance } from '../src/services/credits/aggregate.ts';
import { BLOCK_END, BLOCK_START, withBlock, withoutBlock } from '../src/services/credits/summary-block.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`fixtures/musicbrainz/${name}`, import.meta.url), 'utf8')) as {
    relations: MbRelation[];
  };

describe('credits from real MusicBrainz relations', () => {
  it('keeps instrument and vocal relations, drops producers, engineers and arrangers', () => {
    const performances = performancesFromRelations(fixture('recording_credits.json').relations, 1);
    expect(performances.map((p) => `${p.name}=${p.instrument}`)).toEqual([
      'Lasse Wellander=electric guitar',
      'Rutger Gunnarsson=bass',
      'Ola Brunkert=membranophone',
      'Frida=vocals',
      'Michael Brecker=EWI',
    ]);
    expect(formatCredits(aggregate(performances, 1, []))).toBe(
      'Lasse Wellander: Electric Guitar | Rutger Gunnarsson: Bass | Ola Brunkert: Membranophone | Frida: Vocals | Michael Brecker: EWI',
    );
  });

  it('prefers a real instrument over a bare "performer" credit, and names attributes as credited', () => {
    // The fixture credits "guitar family" as "acoustic guitar" and "lead vocals" as "vocals".
    const performances = performancesFromRelations(fixture('recording.json').relations, null);
    expect(formatCredits(aggregate(performances, 1, []))).toBe('Ed Sheeran: Vocals, Acoustic Guitar');
  });

  it('puts leaders first, orders instruments by how much they are played, and marks partial presence', () => {
    const p = (
      personId: string,
      name: string,
      instrument: string | null,
      track: number | null,
    ): Performance => ({
      personId,
      name,
      instrument,
      kind: instrument === null ? 'performer' : 'instrument',
      track,
    });
    const performances = [
      p('mt', 'McCoy Tyner', 'piano', null),
      p('jc', 'John Coltrane', 'tenor saxophone', null),
      p('jc', 'John Coltrane', 'vocals', 1),
      p('wk', 'Wynton Kelly', 'piano', 2),
      p('eg', 'Someone', null, 3),
    ];
    expect(formatCredits(aggregate(performances, 4, ['jc']))).toBe(
      'John Coltrane: Tenor Saxophone, Vocals (track 1) | McCoy Tyner: Piano | Wynton Kelly: Piano (track 2) | Someone: Performer (track 3)',
    );
  });
});

describe('the credits block in a summary', () => {
  const summary = 'Recorded in one day.\n\n*Markdown* stays, “unicode” too — 日本語.';

  it('appends or prepends one block and replaces it on a re-run, keeping the rest exactly', () => {
    const once = withBlock(summary, 'A: B', 'append');
    expect(once).toBe(`${summary}\n\n${BLOCK_START}\nA: B\n${BLOCK_END}`);
    const twice = withBlock(once, 'C: D', 'append');
    expect(twice.split(BLOCK_START)).toHaveLength(2);
    expect(withoutBlock(twice)).toBe(summary);
    const prepended = withBlock(twice, 'E: F', 'prepend');
    expect(prepended).toBe(`${BLOCK_START}\nE: F\n${BLOCK_END}\n\n${summary}`);
    expect(withBlock('', 'X: Y', 'append')).toBe(`${BLOCK_START}\nX: Y\n${BLOCK_END}`);
  });

  it('handles a 10,000-character summary', () => {
    const long = 'x'.repeat(10_000);
    expect(withoutBlock(withBlock(long, 'A: B', 'prepend'))).toBe(long);
  });
});

describe('credits from a real Discogs release', () => {
  it('keeps playing roles, splits role lists, and drops engineers, producers, mastering and design', async () => {
    const { creditsFromRelease, scopeTracks, splitRoles } =
      await import('../src/services/credits/discogs.ts');
    const release = JSON.parse(
      readFileSync(new URL('fixtures/discogs/releases_8604223.json', import.meta.url), 'utf8'),
    );
    const credits = creditsFromRelease(release);
    expect(formatCredits(aggregate(credits.performances, credits.trackCount, credits.leaders))).toBe(
      'Roger Waters: Bass Guitar, Vocals | David Gilmour: Lead Guitar, Vocals | Richard Wright: Organ, Keyboards, Vocals | Nick Mason: Percussion',
    );
    expect(splitRoles('Sleeve [Sleeve Design], Design [Sleeve Design, Layout]')).toEqual([
      'Sleeve [Sleeve Design]',
      'Design [Sleeve Design, Layout]',
    ]);
    expect(scopeTracks('A1 to B1, B3', ['A1', 'A2', 'B1', 'B2', 'B3'])).toEqual([1, 2, 3, 5]);
  });
});
