import { z } from 'zod';

/**
 * Plex JSON, parsed leniently: lists are `MediaContainer.Metadata[]` whatever the XML element was, numbers
 * are sometimes strings (transcode JSON) and optional fields come and go with the agent
 * (notes/api-facts.md §1). ratingKeys are always normalised to strings.
 */

const key = z.union([z.string(), z.number()]).transform(String);
const num = z
  .union([z.number(), z.string()])
  .transform((value) => Number(value))
  .pipe(z.number().finite())
  .optional()
  .catch(undefined);
const text = z.string().optional().catch(undefined);

const guids = z
  .array(z.object({ id: z.string() }))
  .optional()
  .catch(undefined)
  .transform((list) => list?.map((g) => g.id) ?? []);

const part = z.object({
  id: key,
  key: z.string(),
  size: num,
  duration: num,
  container: text,
  file: text,
});

export const plexItem = z.object({
  ratingKey: key,
  type: text,
  title: z.string().catch(''),
  titleSort: text,
  originalTitle: text,
  parentRatingKey: key.optional().catch(undefined),
  parentTitle: text,
  grandparentRatingKey: key.optional().catch(undefined),
  grandparentTitle: text,
  index: num,
  parentIndex: num,
  year: num,
  duration: num,
  leafCount: num,
  userRating: num,
  summary: text,
  thumb: text,
  parentThumb: text,
  librarySectionID: key.optional().catch(undefined),
  Guid: guids,
  Genre: z
    .array(z.object({ tag: z.string() }))
    .optional()
    .catch(undefined)
    .transform((list) => list?.map((g) => g.tag) ?? []),
  Media: z
    .array(z.object({ Part: z.array(part).optional().catch(undefined) }))
    .optional()
    .catch(undefined),
});
export type PlexItem = z.infer<typeof plexItem>;

/** The fields a library index needs (walkSection): nothing else of a listing is kept. */
export interface IndexItem {
  ratingKey: string;
  title: string;
  originalTitle?: string;
  parentTitle?: string;
  grandparentTitle?: string;
  parentRatingKey?: string;
  grandparentRatingKey?: string;
  year?: number;
}

const keyOf = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
const textOf = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * One item of a lean walk, read as plexItem reads those fields (keys as strings, numbers from strings,
 * absent or odd optional fields left out), or null without a rating key. Written out rather than a Zod
 * schema: an index build reads 500,000 of these, and a schema's copy of each is only more garbage.
 */
export function readIndexItem(entry: unknown): IndexItem | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const raw = entry as Record<string, unknown>;
  const ratingKey = keyOf(raw.ratingKey);
  if (ratingKey === undefined) return null;
  const year = typeof raw.year === 'number' || typeof raw.year === 'string' ? Number(raw.year) : Number.NaN;
  return {
    ratingKey,
    title: textOf(raw.title) ?? '',
    originalTitle: textOf(raw.originalTitle),
    parentTitle: textOf(raw.parentTitle),
    grandparentTitle: textOf(raw.grandparentTitle),
    parentRatingKey: keyOf(raw.parentRatingKey),
    grandparentRatingKey: keyOf(raw.grandparentRatingKey),
    year: Number.isFinite(year) ? year : undefined,
  };
}

export const itemContainer = z.object({
  MediaContainer: z.object({
    size: num,
    totalSize: num,
    offset: num,
    Metadata: z.array(z.unknown()).optional(),
  }),
});

export const sectionContainer = z.object({
  MediaContainer: z.object({
    Directory: z
      .array(z.object({ key: key, type: z.string(), title: z.string(), agent: text }))
      .optional()
      .default([]),
  }),
});

export const hubContainer = z.object({
  MediaContainer: z.object({
    Hub: z
      .array(z.object({ type: z.string(), Metadata: z.array(z.unknown()).optional() }))
      .optional()
      .default([]),
  }),
});

export const identityContainer = z.object({
  MediaContainer: z.object({
    machineIdentifier: z.string(),
    version: z.string().optional().default(''),
    friendlyName: text,
  }),
});

/** Parses each item on its own, so one odd item never sinks a whole page. */
export function parseItems(raw: readonly unknown[] | undefined): PlexItem[] {
  const items: PlexItem[] = [];
  for (const entry of raw ?? []) {
    const parsed = plexItem.safeParse(entry);
    if (parsed.success) items.push(parsed.data);
  }
  return items;
}

/** The MusicBrainz id among an item's Guids (`mbid://<uuid>`, no entity segment), if any. */
export function musicBrainzId(item: Pick<PlexItem, 'Guid'>): string | undefined {
  return item.Guid.find((id) => id.startsWith('mbid://'))?.slice('mbid://'.length);
}
