import type { SignatureRect } from '../../shared/images/template.js';
import type { AuditLog } from './audit.js';
import type { Db } from './db.js';

/** One stored image as linked to its scan; also the `after` of its `image.store` audit entry. */
export interface ImageRecord {
  id: number;
  scanSeq: number;
  ballotId: string | null;
  kind: 'envelope' | 'signature';
  sha256: string;
  bytes: number;
  width: number;
  height: number;
  format: 'webp' | 'jpeg';
  source: ImageSource;
  design: string | null;
  capturedAt: string;
  capturedBy: string;
}
export type ImageSource = 'sane' | 'camera' | 'sorter' | 'file';
export type NewImage = Omit<ImageRecord, 'id'>;

export interface ImageRow {
  id: number; scan_seq: number; ballot_id: string | null; kind: ImageRecord['kind']; sha256: string; bytes: number;
  width: number; height: number; format: ImageRecord['format']; source: ImageSource; design: string | null;
  captured_at: string; captured_by: string; purged_at: string | null; purged_by: string | null;
}

export function toImageRecord(r: ImageRow): ImageRecord {
  return {
    id: r.id, scanSeq: r.scan_seq, ballotId: r.ballot_id, kind: r.kind, sha256: r.sha256, bytes: r.bytes, width: r.width,
    height: r.height, format: r.format, source: r.source, design: r.design, capturedAt: r.captured_at, capturedBy: r.captured_by,
  };
}

export interface ImageTemplate {
  design: string;
  rect: SignatureRect;
  sampleSha256: string | null;
  updatedAt: string;
  updatedBy: string;
}

export interface PendingImage {
  id: number; folder: string; file: string; barcode: string; tray: string | null; sequence: number | null;
  reason: string; firstSeenAt: string; lastTriedAt: string;
}

/** The envelope_images, image_templates and sorter_pending tables (migration 11). */
export class ImageTable {
  private readonly insertStmt;
  private readonly findStmt;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO envelope_images (scan_seq, ballot_id, kind, sha256, bytes, width, height, format, source, design, captured_at, captured_by)
       VALUES (@scanSeq, @ballotId, @kind, @sha256, @bytes, @width, @height, @format, @source, @design, @capturedAt, @capturedBy)
       ON CONFLICT (scan_seq, kind, sha256) DO NOTHING`,
    );
    this.findStmt = db.prepare<[number, string, string], ImageRow>('SELECT * FROM envelope_images WHERE scan_seq = ? AND kind = ? AND sha256 = ?');
  }

  /**
   * Links an image to its scan, with its hash in the audit log, inside the caller's transaction.
   * The same image for the same scan twice is one row (and one entry): the first is returned.
   */
  linkWithin(image: NewImage): { record: ImageRecord; created: boolean } {
    const r = this.insertStmt.run(image);
    const row = this.findStmt.get(image.scanSeq, image.kind, image.sha256);
    if (!row) throw new Error('image row vanished inside its transaction');
    const record = toImageRecord(row);
    if (r.changes === 1)
      this.audit.append({ actor: image.capturedBy, action: 'image.store', entity: 'image', entityId: String(record.id), before: null, after: record }, image.capturedAt);
    return { record, created: r.changes === 1 };
  }

  forScan(seq: number): (ImageRecord & { purgedAt: string | null })[] {
    return this.db
      .prepare<[number], ImageRow>('SELECT * FROM envelope_images WHERE scan_seq = ? ORDER BY id')
      .all(seq)
      .map((r) => ({ ...toImageRecord(r), purgedAt: r.purged_at }));
  }

  forBallot(ballotId: string): (ImageRecord & { purgedAt: string | null })[] {
    return this.db
      .prepare<[string], ImageRow>('SELECT * FROM envelope_images WHERE ballot_id = ? ORDER BY id')
      .all(ballotId)
      .map((r) => ({ ...toImageRecord(r), purgedAt: r.purged_at }));
  }

  /** Is any live (not purged) row using this file? */
  liveUses(sha256: string): number {
    return this.db.prepare<[string], number>('SELECT count(*) FROM envelope_images WHERE sha256 = ? AND purged_at IS NULL').pluck().get(sha256) ?? 0;
  }

  *all(): Generator<ImageRow> {
    yield* this.db.prepare<[], ImageRow>('SELECT * FROM envelope_images ORDER BY id').iterate();
  }

  /** Live images captured before an instant (for a purge). */
  capturedBefore(before: string): ImageRow[] {
    return this.db.prepare<[string], ImageRow>('SELECT * FROM envelope_images WHERE purged_at IS NULL AND captured_at < ? ORDER BY id').all(before);
  }

  markPurgedWithin(ids: readonly number[], at: string, by: string): void {
    const stmt = this.db.prepare('UPDATE envelope_images SET purged_at = ?, purged_by = ? WHERE id = ? AND purged_at IS NULL');
    for (const id of ids) stmt.run(at, by, id);
  }

  /** The scan a picture of this ballot's envelope belongs to: its receipt, else its latest scan. */
  scanOfBallot(ballotId: string): number | null {
    return (
      this.db
        .prepare<[string, string], number>(
          'SELECT seq FROM scans WHERE ballot_id = ? ORDER BY seq = (SELECT scan_seq FROM receipts WHERE ballot_id = ?) DESC, seq DESC LIMIT 1',
        )
        .pluck()
        .get(ballotId, ballotId) ?? null
    );
  }

  // --- templates -------------------------------------------------------------------------

  templates(): ImageTemplate[] {
    return this.db
      .prepare<[], { design: string; x: number; y: number; w: number; h: number; sample_sha256: string | null; updated_at: string; updated_by: string }>(
        'SELECT * FROM image_templates ORDER BY design',
      )
      .all()
      .map((r) => ({ design: r.design, rect: { x: r.x, y: r.y, w: r.w, h: r.h }, sampleSha256: r.sample_sha256, updatedAt: r.updated_at, updatedBy: r.updated_by }));
  }

  template(design: string): ImageTemplate | null {
    return this.templates().find((t) => t.design === design) ?? null;
  }

  saveTemplate(t: ImageTemplate): void {
    this.db
      .transaction(() => {
        const before = this.template(t.design);
        this.db
          .prepare(
            `INSERT INTO image_templates (design, x, y, w, h, sample_sha256, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (design) DO UPDATE SET x = excluded.x, y = excluded.y, w = excluded.w, h = excluded.h,
               sample_sha256 = excluded.sample_sha256, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
          )
          .run(t.design, t.rect.x, t.rect.y, t.rect.w, t.rect.h, t.sampleSha256, t.updatedAt, t.updatedBy);
        this.audit.append(
          { actor: t.updatedBy, action: 'image.template', entity: 'image-template', entityId: t.design, before: before && { rect: before.rect, sampleSha256: before.sampleSha256 }, after: { rect: t.rect, sampleSha256: t.sampleSha256 } },
          t.updatedAt,
        );
      })
      .immediate();
  }

  // --- sorter images waiting for their scan ----------------------------------------------

  notePending(p: Omit<PendingImage, 'id' | 'firstSeenAt' | 'lastTriedAt'>, at: string): void {
    this.db
      .prepare(
        `INSERT INTO sorter_pending (folder, file, barcode, tray, sequence, reason, first_seen_at, last_tried_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (folder, file) DO UPDATE SET barcode = excluded.barcode, tray = excluded.tray, sequence = excluded.sequence,
           reason = excluded.reason, last_tried_at = excluded.last_tried_at WHERE imported_at IS NULL`,
      )
      .run(p.folder, p.file, p.barcode, p.tray, p.sequence, p.reason, at, at);
  }

  /** Sorter files already imported (skipped on the next pass). */
  importedFiles(folder: string): Set<string> {
    return new Set(this.db.prepare<[string], string>('SELECT file FROM sorter_pending WHERE folder = ? AND imported_at IS NOT NULL').pluck().all(folder));
  }

  markImportedWithin(folder: string, file: string, barcode: string, scanSeq: number, at: string): void {
    this.db
      .prepare(
        `INSERT INTO sorter_pending (folder, file, barcode, reason, first_seen_at, last_tried_at, imported_at, scan_seq) VALUES (?, ?, ?, 'imported', ?, ?, ?, ?)
         ON CONFLICT (folder, file) DO UPDATE SET imported_at = excluded.imported_at, scan_seq = excluded.scan_seq, reason = 'imported', last_tried_at = excluded.last_tried_at`,
      )
      .run(folder, file, barcode, at, at, at, scanSeq);
  }

  pending(limit = 1000): { count: number; items: PendingImage[] } {
    const count = this.db.prepare<[], number>('SELECT count(*) FROM sorter_pending WHERE imported_at IS NULL').pluck().get() ?? 0;
    const items = this.db
      .prepare<[number], { id: number; folder: string; file: string; barcode: string; tray: string | null; sequence: number | null; reason: string; first_seen_at: string; last_tried_at: string }>(
        'SELECT * FROM sorter_pending WHERE imported_at IS NULL ORDER BY id LIMIT ?',
      )
      .all(limit)
      .map((r) => ({ id: r.id, folder: r.folder, file: r.file, barcode: r.barcode, tray: r.tray, sequence: r.sequence, reason: r.reason, firstSeenAt: r.first_seen_at, lastTriedAt: r.last_tried_at }));
    return { count, items };
  }
}
