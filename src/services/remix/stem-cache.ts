import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../logger.ts';
import { STEMS } from './stems.ts';
import type { Stem } from './stems.ts';

/** Bump when the stored stems change meaning (format, headroom), so old entries are never mixed. */
const FORMAT_VERSION = 1;
const TEMP_MARK = '.tmp-';
const META = 'meta.json';

/** What decides whether cached stems still match: the Plex item, its file, and how it was separated. */
export interface StemSource {
  ratingKey: string;
  partId: string;
  /** The part key holds Plex's file timestamp (`/library/parts/{id}/{ts}/file.flac`): a replaced file misses. */
  partKey: string;
  partSize: number | undefined;
  model: string;
  extraArgs: readonly string[];
  headroomDb: number;
  /** Only part of the track (a preview); absent for the whole track. */
  excerpt?: { startS: number; lengthS: number };
}

export function stemKey(source: StemSource): string {
  const identity = JSON.stringify([FORMAT_VERSION, ...Object.values(source)]);
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}

export interface StemCache {
  /** The stems for `key`, marking them used now; null on a miss. */
  get(key: string): Promise<Record<Stem, string> | null>;
  /**
   * Stores stems made by `write(files)` (it must create the four files named) atomically: they are written into a temporary folder that is
   * renamed into place, so a crash never leaves a half entry. Then evicts down to the size cap.
   */
  put(
    key: string,
    write: (files: Record<Stem, string>) => Promise<void>,
    meta: object,
  ): Promise<Record<Stem, string>>;
  /** Keeps `key` from eviction while it is being mixed; call the result to release it. */
  pin(key: string): () => void;
  /** Removes temporary folders a crash left behind. */
  sweep(): Promise<void>;
}

async function entrySize(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const sizes = await Promise.all(
    names.map((n) =>
      stat(join(dir, n)).then(
        (s) => s.size,
        () => 0,
      ),
    ),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

export function createStemCache(options: { root: string; maxBytes: number; logger: Logger }): StemCache {
  const { root, maxBytes, logger } = options;
  const pinned = new Map<string, number>();
  const stemsIn = (dir: string) =>
    Object.fromEntries(STEMS.map((stem) => [stem, join(dir, `${stem}.flac`)])) as Record<Stem, string>;

  async function evict(keep: string): Promise<void> {
    const names = (await readdir(root).catch(() => [] as string[])).filter((n) => !n.includes(TEMP_MARK));
    const entries = await Promise.all(
      names.map(async (name) => {
        const dir = join(root, name);
        const used = await stat(join(dir, META)).then(
          (s) => s.mtimeMs,
          () => 0,
        );
        return { name, dir, used, size: await entrySize(dir) };
      }),
    );
    let total = entries.reduce((sum, e) => sum + e.size, 0);
    // Least recently used first; the entry just written and entries being mixed stay.
    for (const entry of entries.sort((a, b) => a.used - b.used)) {
      if (total <= maxBytes) break;
      if (entry.name === keep || pinned.has(entry.name)) continue;
      await rm(entry.dir, { recursive: true, force: true });
      total -= entry.size;
      logger.info({ key: entry.name, bytes: entry.size }, 'evicted cached stems');
    }
  }

  return {
    async get(key) {
      const dir = join(root, key);
      const stems = stemsIn(dir);
      try {
        await Promise.all(Object.values(stems).map((file) => stat(file)));
        const now = new Date();
        await utimes(join(dir, META), now, now);
        return stems;
      } catch {
        return null;
      }
    },
    async put(key, write, meta) {
      await mkdir(root, { recursive: true });
      const temporary = join(root, `${key}${TEMP_MARK}${randomBytes(4).toString('hex')}`);
      const final = join(root, key);
      await mkdir(temporary);
      try {
        await write(stemsIn(temporary));
        await writeFile(join(temporary, META), JSON.stringify({ ...meta, key, createdAt: new Date() }));
        await rename(temporary, final).catch(async (error: NodeJS.ErrnoException) => {
          // Another job stored the same stems first: keep theirs.
          if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
        });
      } finally {
        await rm(temporary, { recursive: true, force: true });
      }
      await evict(key).catch((error: unknown) => logger.warn({ err: error }, 'stem cache eviction failed'));
      return stemsIn(final);
    },
    pin(key) {
      pinned.set(key, (pinned.get(key) ?? 0) + 1);
      return () => {
        const left = (pinned.get(key) ?? 1) - 1;
        if (left > 0) pinned.set(key, left);
        else pinned.delete(key);
      };
    },
    async sweep() {
      const names = await readdir(root).catch(() => [] as string[]);
      for (const name of names.filter((n) => n.includes(TEMP_MARK))) {
        await rm(join(root, name), { recursive: true, force: true });
        logger.info({ dir: name }, 'removed an unfinished stem cache entry');
      }
    },
  };
}
