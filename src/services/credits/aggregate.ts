/**
 * Personnel credits: who plays what on an album, from MusicBrainz relations or Discogs roles, aggregated
 * per person and formatted as "John Coltrane: Tenor Saxophone | McCoy Tyner: Piano". Pure functions.
 */

/** One person playing one instrument (or singing) on one track. */
export interface Performance {
  personId: string;
  name: string;
  /** Lower-case instrument or role ("tenor saxophone", "lead vocals"); null when the source does not say. */
  instrument: string | null;
  kind: 'instrument' | 'vocal' | 'performer';
  /** 1-based track number over the whole release; null = the whole release. */
  track: number | null;
}

export interface PersonCredit {
  name: string;
  leader: boolean;
  /** Instruments, most-played first, each with the tracks when not on every track. */
  parts: Array<{ instrument: string; tracks: number[] | null }>;
}

/** MusicBrainz attribute words that qualify a credit rather than name an instrument. */
const QUALIFIERS = new Set(['additional', 'guest', 'solo', 'minor', 'co', 'assistant', 'executive', 'task']);

/** Relation shape of MusicBrainz WS/2 (recording_credits.json). */
export interface MbRelation {
  type: string;
  'target-type'?: string;
  direction?: string;
  attributes?: string[];
  /** "Credited as" names of attributes, e.g. {"other vocals": "chant"}. */
  'attribute-credits'?: Record<string, string>;
  'target-credit'?: string;
  artist?: { id: string; name: string };
}

/** Performances from one recording's (or the release's) relations; non-personnel types are ignored. */
export function performancesFromRelations(
  relations: readonly MbRelation[],
  track: number | null,
): Performance[] {
  const out: Performance[] = [];
  for (const rel of relations) {
    if (rel['target-type'] !== 'artist' || !rel.artist || rel.direction === 'forward') continue;
    if (rel.type !== 'instrument' && rel.type !== 'vocal' && rel.type !== 'performer') continue;
    const name = rel['target-credit']?.trim() || rel.artist.name;
    const words = (rel.attributes ?? []).filter((a) => !QUALIFIERS.has(a.toLowerCase()));
    const base = { personId: rel.artist.id, name, kind: rel.type, track } as const;
    if (words.length === 0) {
      out.push({ ...base, instrument: rel.type === 'vocal' ? 'vocals' : null });
      continue;
    }
    // Case kept: MusicBrainz writes instruments in lower case except names like "EWI".
    for (const word of words)
      out.push({ ...base, instrument: rel['attribute-credits']?.[word]?.trim() || word });
  }
  return out;
}

export function titleCase(text: string): string {
  return text.replace(
    /(^|[\s/(-])(\p{Ll})/gu,
    (_m, start: string, letter: string) => start + letter.toUpperCase(),
  );
}

/**
 * Aggregates per person: leaders (the release's credited artists) first, then by how many tracks they
 * play on; each person's instruments by how much they play them; track lists only for partial presence.
 */
export function aggregate(
  performances: readonly Performance[],
  trackCount: number,
  leaders: readonly string[],
): PersonCredit[] {
  const people = new Map<
    string,
    { name: string; order: number; tracks: Set<number>; parts: Map<string, Set<number>> }
  >();
  const all = Array.from({ length: trackCount }, (_, i) => i + 1);
  performances.forEach((p, order) => {
    const person = people.get(p.personId) ?? {
      name: p.name,
      order,
      tracks: new Set<number>(),
      parts: new Map(),
    };
    people.set(p.personId, person);
    const instrument = p.instrument ?? (p.kind === 'performer' ? 'performer' : 'instruments');
    const tracks = person.parts.get(instrument) ?? new Set<number>();
    person.parts.set(instrument, tracks);
    for (const t of p.track === null ? all : [p.track]) {
      tracks.add(t);
      person.tracks.add(t);
    }
  });
  const leaderRank = (id: string) => {
    const i = leaders.indexOf(id);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...people]
    .sort(
      ([idA, a], [idB, b]) =>
        leaderRank(idA) - leaderRank(idB) || b.tracks.size - a.tracks.size || a.order - b.order,
    )
    .map(([id, person]) => {
      // A generic "performer" credit says nothing once the person has a real instrument.
      const named = [...person.parts].filter(
        ([instrument]) => instrument !== 'performer' || person.parts.size === 1,
      );
      return {
        name: person.name,
        leader: leaders.includes(id),
        parts: named
          .sort((a, b) => b[1].size - a[1].size)
          .map(([instrument, tracks]) => ({
            instrument,
            tracks: tracks.size >= trackCount ? null : [...tracks].sort((x, y) => x - y),
          })),
      };
    });
}

function trackText(tracks: number[] | null): string {
  if (!tracks) return '';
  return tracks.length === 1 ? ` (track ${tracks[0]})` : ` (tracks ${tracks.join(', ')})`;
}

/** "John Coltrane: Tenor Saxophone, Vocals (track 1) | McCoy Tyner: Piano". */
export function formatCredits(credits: readonly PersonCredit[]): string {
  return credits
    .map(
      (c) =>
        `${c.name}: ${c.parts.map((p) => `${titleCase(p.instrument)}${trackText(p.tracks)}`).join(', ')}`,
    )
    .join(' | ');
}
