import type Database from 'better-sqlite3';

export interface AlbumEnrichment {
  albumKey: string;
  sectionId: string;
  /** The summary before Autoalex first wrote to it: what undo restores. */
  originalSummary: string;
  credits: string;
  releaseId: string;
  enrichedBy: string;
  enrichedAt: number;
}

export interface EnrichmentTable {
  getEnrichment(albumKey: string): AlbumEnrichment | undefined;
  /** Records a write; the original summary of the FIRST enrichment is kept across re-runs. */
  saveEnrichment(record: AlbumEnrichment): void;
  removeEnrichment(albumKey: string): void;
}

/** Album summaries Autoalex wrote credits into, with the original for undo. */
export function enrichmentTable(db: Database.Database): EnrichmentTable {
  const enrichmentByKey = db.prepare<[string], Record<string, unknown>>(
    'SELECT * FROM album_enrichments WHERE album_key = ?',
  );
  const upsertEnrichment = db.prepare(
    `INSERT INTO album_enrichments (album_key, section_id, original_summary, credits, release_id, enriched_by, enriched_at)
     VALUES (@albumKey, @sectionId, @originalSummary, @credits, @releaseId, @enrichedBy, @enrichedAt)
     ON CONFLICT(album_key) DO UPDATE SET credits = excluded.credits, release_id = excluded.release_id,
       enriched_by = excluded.enriched_by, enriched_at = excluded.enriched_at`,
  );
  const deleteEnrichment = db.prepare('DELETE FROM album_enrichments WHERE album_key = ?');
  return {
    getEnrichment(albumKey) {
      const row = enrichmentByKey.get(albumKey);
      if (!row) return undefined;
      return {
        albumKey: String(row.album_key),
        sectionId: String(row.section_id),
        originalSummary: String(row.original_summary),
        credits: String(row.credits),
        releaseId: String(row.release_id),
        enrichedBy: String(row.enriched_by),
        enrichedAt: Number(row.enriched_at),
      };
    },
    saveEnrichment(record) {
      upsertEnrichment.run(record);
    },
    removeEnrichment(albumKey) {
      deleteEnrichment.run(albumKey);
    },
  };
}
