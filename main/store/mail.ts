/**
 * USPS scan events (mail_events) and their imports (mail_imports): a ballot's events for its
 * history, its mail status, and what each import did. Read-only toward everything else: nothing
 * here writes a receipt, a scan, a verdict or the audit chain's ballots (docs/mail.md).
 */
import type { MailEvent } from '../../shared/mail/event.js';
import { mailStatusOf, type MailStatusOptions, type MailStatusResult } from '../../shared/mail/status.js';
import type { Db } from './db.js';
import { pieceOf } from './mail-ballots.js';

/** A stored event: the scan, which ballot it belongs to (null: no ballot has its IMb), and where it came from. */
export interface StoredMailEvent extends MailEvent {
  id: number;
  importId: number;
  ballotId: string | null;
  direction: 'out' | 'back';
}

export interface MailImportRow {
  importId: number;
  startedAt: string;
  finishedAt: string | null;
  file: string;
  format: string;
  operator: string;
  read: number;
  imported: number;
  duplicates: number;
  unknownImbs: number;
  rejected: number;
  rejectsFile: string | null;
}

export interface EventRow {
  id: number;
  import_id: number;
  ballot_id: string | null;
  direction: 'out' | 'back';
  barcode_id: string;
  stid: string;
  mailer_id: string;
  serial: string;
  routing_zip: string;
  scanned_at: string;
  scanned_at_utc: string | null;
  operation_code: string;
  event_code: string;
  handling: MailEvent['handling'];
  handling_code: string;
  mail_phase: string;
  machine_name: string;
  facility_name: string;
  facility_city: string;
  facility_state: string;
  facility_zip: string;
}

export function toStoredEvent(r: EventRow): StoredMailEvent {
  return {
    id: r.id,
    importId: r.import_id,
    ballotId: r.ballot_id,
    direction: r.direction,
    barcodeId: r.barcode_id,
    stid: r.stid,
    mailerId: r.mailer_id,
    serial: r.serial,
    routingZip: r.routing_zip,
    scannedAt: r.scanned_at,
    scannedAtUtc: r.scanned_at_utc,
    operationCode: r.operation_code,
    eventCode: r.event_code,
    handling: r.handling,
    handlingCode: r.handling_code,
    mailPhase: r.mail_phase,
    machineName: r.machine_name,
    facilityName: r.facility_name,
    facilityCity: r.facility_city,
    facilityState: r.facility_state,
    facilityZip: r.facility_zip,
  };
}

const EVENT_COLUMNS = `id, import_id, ballot_id, direction, barcode_id, stid, mailer_id, serial, routing_zip, scanned_at, scanned_at_utc,
  operation_code, event_code, handling, handling_code, mail_phase, machine_name, facility_name, facility_city, facility_state, facility_zip`;

interface ImportRowDb {
  import_id: number;
  started_at: string;
  finished_at: string | null;
  file: string;
  format: string;
  operator: string;
  read: number;
  imported: number;
  duplicates: number;
  unknown_imbs: number;
  rejected: number;
  rejects_file: string | null;
}

function toImportRow(r: ImportRowDb): MailImportRow {
  return {
    importId: r.import_id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    file: r.file,
    format: r.format,
    operator: r.operator,
    read: r.read,
    imported: r.imported,
    duplicates: r.duplicates,
    unknownImbs: r.unknown_imbs,
    rejected: r.rejected,
    rejectsFile: r.rejects_file,
  };
}

export class MailStore {
  private readonly byBallot;
  private readonly byPiece;
  private readonly receiptOf;
  private readonly importById;

  constructor(private readonly db: Db) {
    // Events are sorted by the status rules (shared/mail/status.ts chronological); the order here is for a stable listing.
    this.byBallot = db.prepare<[string], EventRow>(`SELECT ${EVENT_COLUMNS} FROM mail_events WHERE ballot_id = ? ORDER BY scanned_at, id`);
    this.byPiece = db.prepare<[number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM mail_events WHERE piece = ? ORDER BY scanned_at, id`);
    this.receiptOf = db.prepare<[string], { at: string }>(
      'SELECT s.scanned_at AS at FROM receipts r JOIN scans s ON s.seq = r.scan_seq WHERE r.ballot_id = ?',
    );
    this.importById = db.prepare<[number], ImportRowDb>('SELECT * FROM mail_imports WHERE import_id = ?');
  }

  /** A ballot's USPS scans, oldest first (its history: facility and time of each). */
  eventsOf(ballotId: string): StoredMailEvent[] {
    return this.byBallot.all(ballotId).map(toStoredEvent);
  }

  /** Every scan of one mail piece by its IMb's mailer ID and serial (out and back), matched to a ballot or not. */
  eventsOfPiece(mailerId: string, serial: string): StoredMailEvent[] {
    const piece = pieceOf(mailerId, serial);
    return Number.isNaN(piece) ? [] : this.byPiece.all(piece).map(toStoredEvent);
  }

  /** A ballot's mail status from its own events and its current receipt; null: no scan yet (never "lost"). */
  statusOf(ballotId: string, opts: MailStatusOptions): MailStatusResult | null {
    const receipt = this.receiptOf.get(ballotId) ?? null;
    return mailStatusOf(this.eventsOf(ballotId), receipt, opts);
  }

  importOf(importId: number): MailImportRow | null {
    const r = this.importById.get(importId);
    return r ? toImportRow(r) : null;
  }

  /** The newest imports first. */
  imports(limit = 20): MailImportRow[] {
    return this.db.prepare<[number], ImportRowDb>('SELECT * FROM mail_imports ORDER BY import_id DESC LIMIT ?').all(limit).map(toImportRow);
  }

  /** How many events are kept, and how many match no ballot. */
  counts(): { events: number; unmatched: number } {
    const r = this.db
      .prepare<[], { events: number; unmatched: number }>('SELECT count(*) AS events, count(*) - count(ballot_id) AS unmatched FROM mail_event_rows')
      .get();
    return { events: r?.events ?? 0, unmatched: r?.unmatched ?? 0 };
  }
}
