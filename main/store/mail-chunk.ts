/**
 * Mail events packed for the store (store/packed-rows.ts): the columns of `mail_event_rows` the
 * events carry, in MAIL_CHUNK_COLUMNS order; the import's ID is added by the store's
 * INSERT … SELECT (store/mail-load.ts). The ballot is found as the event is packed (from
 * the roll's IMbs, store/mail-ballots.ts), and the event's place (its direction, codes, phase,
 * machine and facility) is given its number in `mail_places` (store/mail-places.ts). Packing runs
 * where the file is read (on the reader's worker thread for a file import), so the inserting
 * thread makes no string per field and looks nothing up.
 */
import { dedupeHash, eventDirection, type MailEvent } from '../../shared/mail/event.js';
import { ChunkEncoder } from './chunk-encoder.js';
import { pieceOf, type PieceBallots } from './mail-ballots.js';
import { MailPlaces } from './mail-places.js';
import { MAX_CHUNK_ROWS, type ChunkShape, type PackedChunk } from './packed-rows.js';

/** `piece`: the IMb's mailer ID and serial as one number (migration 14; store/mail-ballots.ts pieceOf). */
export const MAIL_CHUNK_COLUMNS = ['dedupe_key', 'piece', 'routing_zip', 'scanned_at', 'scanned_at_utc', 'place', 'ballot_id'] as const;

/** The place's column, before the ballot's: the packers fill it from their MailPlaces. */
export const MAIL_CHUNK_PLACE = MAIL_CHUNK_COLUMNS.indexOf('place');

/** The ballot's column, last: the packers fill it from the roll's IMbs (store/mail-ballots.ts); null when none carries the event's. */
export const MAIL_CHUNK_BALLOT = MAIL_CHUNK_COLUMNS.length - 1;
const NULLABLE = new Set<number>([MAIL_CHUNK_COLUMNS.indexOf('scanned_at_utc'), MAIL_CHUNK_BALLOT]);
const DEDUPE_KEY = 0;
const PIECE = MAIL_CHUNK_COLUMNS.indexOf('piece');
const INTEGERS = new Set<number>([DEDUPE_KEY, PIECE, MAIL_CHUNK_PLACE]);

export const MAIL_CHUNK: ChunkShape = {
  name: 'mail event',
  columns: MAIL_CHUNK_COLUMNS.length,
  integers: INTEGERS,
  // Every text column but scanned_at_utc and the ballot is NOT NULL: an empty value ('', no routing ZIP) is ''.
  notNull: new Set(MAIL_CHUNK_COLUMNS.map((_, i) => i).filter((i) => !INTEGERS.has(i) && !NULLABLE.has(i))),
};

/** Events per chunk: one statement's overhead is nothing per row, and a chunk stays in the young generation. */
export const MAIL_CHUNK_ROWS = 4096;

/** An event's values in MAIL_CHUNK_COLUMNS order, but for the place and the ballot (the packer's); `piece`: its pieceOf. */
export function mailEventValues(e: MailEvent, hash: number, piece: number): (string | number | null)[] {
  return [hash, piece, e.routingZip, e.scannedAt, e.scannedAtUtc];
}

/** An event's place, in PLACE_COLUMNS order (store/mail-places.ts). */
export function mailPlaceValues(e: MailEvent): string[] {
  return [
    eventDirection(e), e.barcodeId, e.stid, e.operationCode, e.eventCode, e.handling, e.handlingCode, e.mailPhase, e.machineName,
    e.facilityName, e.facilityCity, e.facilityState, e.facilityZip,
  ];
}

function holds(pieces: string | string[] | undefined, piece: string): boolean {
  return pieces !== undefined && (typeof pieces === 'string' ? pieces === piece : pieces.includes(piece));
}

/**
 * Packs events in order, leaving out an event already packed in this batch or the one before (a
 * line sent twice, the commonest repeat, is caught here cheaply; the store finds the others).
 * The caller ends each batch with endBatch.
 */
export class MailEventPacker {
  private readonly encoder: ChunkEncoder;
  // By dedupe hash (a number: no key string to make and hash per event), the pieces (mailer ID + serial) seen with it.
  private recent = new Map<number, string | string[]>();
  private older = new Map<number, string | string[]>();
  private batchHadEvents = false;
  /** Events left out as repeats so far. */
  nearRepeats = 0;

  constructor(
    private readonly ballots: PieceBallots,
    chunkRows = MAIL_CHUNK_ROWS,
    readonly places = new MailPlaces(),
  ) {
    this.encoder = new ChunkEncoder(MAIL_CHUNK.columns, Math.max(1, Math.min(chunkRows, MAX_CHUNK_ROWS)));
  }

  /** Packs one event; a chunk that is complete is pushed onto `ready`. */
  add(e: MailEvent, ready: PackedChunk[]): void {
    this.batchHadEvents = true;
    const hash = dedupeHash(e);
    const piece = e.mailerId + e.serial;
    if (holds(this.recent.get(hash), piece) || holds(this.older.get(hash), piece)) {
      this.nearRepeats += 1;
      return;
    }
    const same = this.recent.get(hash);
    if (same === undefined) this.recent.set(hash, piece);
    else if (typeof same === 'string') this.recent.set(hash, [same, piece]);
    else same.push(piece);
    // mailEventSchema holds the mailer ID and serial to an IMb's 15 digits together.
    const pieceNumber = pieceOf(e.mailerId, e.serial);
    const values = mailEventValues(e, hash, pieceNumber);
    values.push(this.places.idOfValues(mailPlaceValues(e)), this.ballots.ballotOf(pieceNumber));
    // Text is packed as ASCII, and as UTF-8 where it turns out not to be.
    const early = this.encoder.add(values, true);
    if (early) ready.push(early);
    if (this.encoder.full) ready.push(this.encoder.take() as PackedChunk);
  }

  /** The events packed and not yet taken, if any. */
  take(): PackedChunk | null {
    return this.encoder.take();
  }

  /** A batch is over: the repeats looked for are now those of this batch and the next. */
  endBatch(): void {
    if (!this.batchHadEvents) return;
    this.older = this.recent;
    this.recent = new Map();
    this.batchHadEvents = false;
  }
}
