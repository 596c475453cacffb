import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { AuditLog, type AuditVerdict } from './audit.js';
import { checkRows, checkScans } from './audit-coverage.js';
import { checkImages } from './audit-images.js';
import { BatchStore } from './batches.js';
import { ConfigStore } from './config.js';
import { CountyStore } from './county.js';
import { openDatabase, type Db, type OpenOptions } from './db.js';
import { CureStore } from './cure.js';
import { FeedStore } from './feed.js';
import { ImageTable } from './images.js';
import { MailStore } from './mail.js';
import { OperatorStore } from './operators.js';
import { ReportStore } from './reports.js';
import { RollStore } from './roll/queries.js';
import { RollStaging } from './roll/staging.js';
import { ScanStore } from './scans.js';
import { SignatureStore } from './signatures.js';
import { checkSignatures } from './audit-signatures.js';
import { SyncStore } from './sync.js';

/**
 * The station's one store: every SQL statement of the program lives in main/store/.
 * Table groups have their own classes; this facade owns the connection and its lifetime.
 */
export class Store {
  readonly audit: AuditLog;
  readonly config: ConfigStore;
  readonly batches: BatchStore;
  readonly scans: ScanStore;
  readonly roll: RollStore;
  readonly operators: OperatorStore;
  readonly cure: CureStore;
  readonly sync: SyncStore;
  readonly feed: FeedStore;
  readonly reports: ReportStore;
  readonly images: ImageTable;
  readonly signatures: SignatureStore;
  readonly mail: MailStore;
  readonly county: CountyStore;
  /** Told after each write transaction commits (the county replicator's wake-up); one listener. */
  onCommit: (() => void) | null = null;

  private constructor(
    readonly db: Db,
    readonly path: string,
  ) {
    this.audit = new AuditLog(db);
    this.config = new ConfigStore(db, this.audit);
    this.batches = new BatchStore(db, this.audit);
    this.scans = new ScanStore(db);
    this.roll = new RollStore(db);
    this.operators = new OperatorStore(db, this.audit);
    this.cure = new CureStore(db, this.audit);
    this.sync = new SyncStore(db, this.audit);
    this.feed = new FeedStore(db);
    this.reports = new ReportStore(db);
    this.images = new ImageTable(db, this.audit);
    this.signatures = new SignatureStore(db, this.audit);
    this.mail = new MailStore(db);
    this.county = new CountyStore(db);
  }

  static open(file: string, options: OpenOptions = {}): Store {
    return new Store(openDatabase(file, options), file);
  }

  /** A write transaction that takes the write lock at once (no upgrade deadlocks). */
  write<T>(fn: () => T): T {
    const result = this.db.transaction(fn).immediate();
    if (!this.db.inTransaction) this.onCommit?.(); // committed (not a nested savepoint)
    return result;
  }

  rollStaging(): RollStaging {
    return new RollStaging(this.db);
  }

  /**
   * Verifies the audit chain, then that every table deciding a verdict still reads exactly as
   * the chain recorded it, both ways (audit-coverage.ts): scans, receipts, undos, resolutions,
   * batch changes and cure steps. Editing or deleting a row, not only the log, is caught.
   */
  verifyAudit(): AuditVerdict & { scansChecked: number; imagesChecked?: number } {
    const chain = this.audit.verify();
    if (!chain.ok) return { ...chain, scansChecked: 0 };
    const scans = checkScans(this.db);
    const problem = scans.problem ?? checkRows(this.db, scans.receipts);
    if (problem) return { ok: false, count: chain.count, ...problem, scansChecked: scans.checked };
    // Envelope images: rows against their entries, files against their hashes (audit-images.ts).
    const images = checkImages(this.db, this.path);
    if (images.problem) return { ok: false, count: chain.count, ...images.problem, scansChecked: scans.checked, imagesChecked: images.checked };
    // Signature decisions and signatures on file against their entries (audit-signatures.ts).
    const signatures = checkSignatures(this.db);
    if (signatures.problem) return { ok: false, count: chain.count, ...signatures.problem, scansChecked: scans.checked, imagesChecked: images.checked };
    return { ...chain, scansChecked: scans.checked, imagesChecked: images.checked };
  }

  private checkpointer: Checkpointer | null = null;

  /**
   * For a long-running station: checkpoints on a thread of their own (see checkpointer.ts), so
   * no scan's verdict waits for the WAL to be copied into the database.
   */
  checkpointInBackground(): void {
    if (this.checkpointer || this.path === ':memory:') return;
    this.db.pragma('wal_autocheckpoint = 20000'); // a safety net: the thread keeps the WAL far below it
    // Should the thread fail (it cannot open the file, say), checkpoints go back to SQLite's own.
    this.checkpointer = startCheckpointer(this.path, 500, () => {
      if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
    });
  }

  close(): void {
    if (!this.db.open) return;
    void this.checkpointer?.stop();
    this.checkpointer = null;
    try {
      this.county.flushAck();
    } catch {
      // a read-only or faulted file: the hub's answer to a push again changes nothing
    }
    try {
      this.db.pragma('busy_timeout = 200'); // a tidy-up only: never keep a closing command waiting on another program
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // another connection holds the WAL; SQLite checkpoints later
    }
    this.db.close();
  }
}
