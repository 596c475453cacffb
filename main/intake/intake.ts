import { decodeScan, type DecodedScan } from '../../shared/barcode/index.js';
import type { Verdict } from '../../shared/domain.js';
import { decideVerdict, type PriorReceipt, type VerdictInput } from '../../shared/intake/verdict.js';
import type { Batch } from '../store/batches.js';
import type { BallotRow } from '../store/roll/ballot-row.js';
import { ballotFacts, type ScanRecord } from '../store/scans.js';
import type { Store } from '../store/store.js';
import { ServiceError, type ServiceErrorCode } from '../../shared/errors.js';

export interface ScanInput {
  raw: string;
  operator: string;
  scanner?: string | null;
  /** From the device (HID POS) when the text carries no AIM prefix. */
  symbology?: string | null;
  /** Typed by the clerk from the envelope, not scanned. */
  keyed?: boolean;
  /** The scanner delivered only part of a code (unplugged mid-code, over-long…): record it as UNREADABLE, never decode it. */
  fault?: string;
}

export interface ScanOutcome extends ScanRecord {
  voter: { name: string; precinct: string | null } | null;
  /** The batch this receipt went into, with its count after this scan. */
  batch: { batchId: string; number: number; count: number } | null;
  /** For a DUPLICATE: the earlier receipt (when, where, who, batch). */
  duplicate: PriorReceipt | null;
  /** Set when this scan filled the batch to its configured size and closed it. */
  closedBatch: Batch | null;
}

export class IntakeError extends ServiceError {
  constructor(message: string, code: ServiceErrorCode = 'failed') {
    super(code, message);
    this.name = 'IntakeError';
  }
}

const MAX_RAW = 4096;

export function voterName(b: BallotRow): string {
  return [b.first_name, b.middle_name, b.last_name, b.suffix].filter((p) => p !== null && p !== '').join(' ');
}

/**
 * The scan path: raw text → decode → ballot lookup → one verdict → one durable record. It is
 * synchronous on purpose: the whole decision and its record are one SQLite transaction, and
 * the outcome is returned only after the commit (synchronous=FULL), so a verdict on screen is
 * always a verdict on disk. Callers feed scans one at a time (the scanner hub's queue).
 */
export class Intake {
  constructor(
    private readonly store: Store,
    readonly station: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    if (!station.trim()) throw new IntakeError('a station name is required');
  }

  scan(input: ScanInput): ScanOutcome {
    const operator = input.operator.trim();
    if (!operator) throw new IntakeError('an operator is required to scan');
    // Whatever arrives is recorded; only its length is bounded so a stuck scanner cannot bloat the log.
    const raw = input.raw.length > MAX_RAW ? input.raw.slice(0, MAX_RAW) : input.raw;
    const config = this.store.config;
    const decoded: ReturnType<typeof decodeScan> = input.fault
      ? { ok: false, error: `scanner fault: ${input.fault}` }
      : decodeScan(raw, config.get('labelRule') ?? null);
    return this.store.write(() => {
      const at = this.clock().toISOString();
      const found = decoded.ok ? this.lookup(decoded.value) : null;
      const ballot = found?.ballot ?? null;
      const electionId = config.get('election') ?? null;
      const localPrior = ballot ? this.store.scans.receipt(ballot.ballot_id) : null;
      const input2: VerdictInput = {
        ballot: ballot ? ballotFacts(ballot) : null,
        notFoundReason: found?.notFound,
        rules: { electionId, jurisdiction: config.get('jurisdiction') ?? null, receiptDeadline: config.get('receiptDeadline') ?? null },
        // Received here, else (pulled from the county hub) at another station: the same rules either way.
        priorReceipt: localPrior ?? (ballot ? this.store.county.receipt(ballot.ballot_id) : null),
        newerBallot: ballot ? this.store.scans.newerBallot(ballot) : null,
        votedInPerson: ballot ? this.store.scans.votedInPerson(ballot) : false,
        otherBallotReceipt: ballot ? (this.store.scans.otherBallotReceipt(ballot) ?? this.store.county.otherBallotReceipt(ballot.voter_id, ballot.election_id, ballot.ballot_id)) : null,
        scannedAt: at,
      };
      const decision = decoded.ok
        ? decideVerdict(input2)
        : { verdict: 'UNREADABLE' as Verdict, reason: decoded.error, isReceipt: false };
      // Scanned while the roll's first import is still loading: the envelope is recorded, and the
      // reason says why it was not found.
      const pending = decision.verdict === 'UNKNOWN' && this.store.roll.firstImportPending();
      const note = pending ? "the roll's first import has not finished: scan this envelope again once it has" : found?.note;
      const reason = note ? `${decision.reason} (${note})` : decision.reason;
      const batchRow =
        decision.verdict === 'ACCEPTED' ? this.store.batches.openWithin(this.station, electionId, operator, at) : null;
      const record = this.store.scans.record(
        {
          scannedAt: at,
          station: this.station,
          scanner: input.scanner ?? null,
          operator,
          raw,
          symbology: (decoded.ok && decoded.value.kind === 'label' ? decoded.value.symbology : null) ?? input.symbology ?? null,
          keyed: input.keyed ?? false,
          decodedKind: decoded.ok ? decoded.value.kind : null,
          decodedKey: decoded.ok ? decodedKey(decoded.value) : null,
          ballotId: ballot?.ballot_id ?? null,
          voterId: ballot?.voter_id ?? null,
          verdict: decision.verdict,
          reason,
          batchId: batchRow?.batch_id ?? null,
          // Only a scan of this station is referenced by seq; another station's is named in the reason.
          duplicateOf: decision.verdict === 'DUPLICATE' ? (localPrior?.seq ?? null) : null,
        },
        decision.isReceipt,
      );
      this.store.audit.append({ actor: operator, action: 'scan.record', entity: 'scan', entityId: String(record.seq), before: null, after: record }, at);
      let batch: ScanOutcome['batch'] = null;
      let closedBatch: Batch | null = null;
      if (batchRow) {
        const count = this.store.batches.toBatch(batchRow).count;
        batch = { batchId: batchRow.batch_id, number: batchRow.number, count };
        const size = config.get('batchSize') ?? 250;
        if (count >= size) {
          closedBatch = this.store.batches.closeWithin(batchRow, 'size', null, 'system', at);
          this.store.sync.enqueueWithin(closedBatch.batchId, at);
        }
      }
      return {
        ...record,
        voter: ballot ? { name: voterName(ballot), precinct: ballot.precinct } : null,
        batch,
        duplicate: decision.verdict === 'DUPLICATE' ? input2.priorReceipt : null,
        closedBatch,
      };
    });
  }

  private lookup(d: DecodedScan): { ballot: BallotRow | null; notFound?: VerdictInput['notFoundReason']; note?: string } {
    const scans = this.store.scans;
    if (d.kind === 'imb') {
      const mailerIds = this.store.config.get('imbMailerIds') ?? [];
      if (mailerIds.length > 0 && !mailerIds.includes(d.mailerId))
        return { ballot: null, notFound: { verdict: 'WRONG_JURISDICTION', reason: `IMb mailer ID ${d.mailerId} is not one of this office's` } };
      const b = scans.byImb.get(d.serial, d.mailerId);
      return b ? { ballot: b } : { ballot: null, notFound: { verdict: 'UNKNOWN', reason: `no ballot with IMb mailer ID ${d.mailerId} serial ${d.serial}` } };
    }
    const electionId = this.store.config.get('election') ?? null;
    if (d.carries === 'voter') {
      const b = scans.currentBallotOfVoter(d.id, electionId);
      return b ? { ballot: b, note: `matched by voter ID ${d.id}` } : { ballot: null, notFound: { verdict: 'UNKNOWN', reason: `no mail ballot issued to voter ${d.id}` } };
    }
    const b = scans.byBallotId.get(d.id);
    if (b) return { ballot: b };
    // Until the office sets a label rule, a label may carry either kind of ID (NC envelopes
    // carry the voter's number; the roll has no ballot ID), so try the voter next.
    if (this.store.config.get('labelRule') === null) {
      const v = scans.currentBallotOfVoter(d.id, electionId);
      if (v) return { ballot: v, note: `matched by voter ID ${d.id}` };
    }
    return { ballot: null, notFound: { verdict: 'UNKNOWN', reason: `no ballot ${d.id} in the roll` } };
  }

  /** A supervisor takes a scan back: a compensating record; the scan itself stays. */
  undo(seq: number, operator: string, reason: string): { scan: ScanRecord; undoneAt: string } {
    if (!reason.trim()) throw new IntakeError('an undo needs a reason', 'invalid');
    return this.store.write(() => {
      const scan = this.store.scans.get(seq);
      if (!scan) throw new IntakeError(`no scan ${seq}`, 'not-found');
      const prior = this.store.scans.undoOf(seq);
      if (prior) throw new IntakeError(`scan ${seq} was already undone ${prior.undone_at} by ${prior.operator}`, 'conflict');
      if (scan.batchId) {
        const b = this.store.batches.rowById(scan.batchId);
        if (b && b.status === 'CLOSED')
          throw new IntakeError(`scan ${seq} is in closed batch ${b.number}: pull the envelope and reopen the question with a supervisor's review instead`, 'conflict');
      }
      const at = this.clock().toISOString();
      const wasReceipt = this.store.scans.isReceipt(seq);
      this.store.scans.undoWithin(seq, operator, reason.trim(), at);
      this.store.audit.append(
        { actor: operator, action: 'scan.undo', entity: 'scan', entityId: String(seq), before: { receipt: wasReceipt }, after: { undone: true, reason: reason.trim() } },
        at,
      );
      return { scan, undoneAt: at };
    });
  }

  openBatch(operator: string): Batch {
    return this.store.write(() => {
      const row = this.store.batches.openWithin(this.station, this.store.config.get('election') ?? null, operator, this.clock().toISOString());
      return this.store.batches.toBatch(row);
    });
  }

  /**
   * Closes the station's open batch (or records the hand count of one closed at its size).
   * A hand count that differs from the scanned count is recorded, not refused: the
   * difference is what the supervisor must explain.
   */
  closeBatch(ref: string | null, handCount: number | null, operator: string): Batch {
    if (handCount !== null && (!Number.isInteger(handCount) || handCount < 0)) throw new IntakeError(`hand count must be a whole number ≥ 0, got ${handCount}`);
    return this.store.write(() => {
      const at = this.clock().toISOString();
      const row = ref === null ? this.store.batches.openRow(this.station) : this.store.batches.resolve(ref, this.station);
      if (!row) throw new IntakeError(ref === null ? `station ${this.station} has no open batch` : `no batch ${ref}`, 'not-found');
      if (row.status === 'OPEN') {
        const closed = this.store.batches.closeWithin(row, 'supervisor', handCount, operator, at);
        // Queued for the state in the same transaction: a closed batch is never forgotten.
        this.store.sync.enqueueWithin(closed.batchId, at);
        return closed;
      }
      if (handCount === null) throw new IntakeError(`batch ${row.number} is already closed; give --hand-count to record the count`, 'conflict');
      return this.store.batches.reconcileWithin(row, handCount, operator, at);
    });
  }
}

export function decodedKey(d: DecodedScan): string {
  return d.kind === 'imb' ? `${d.mailerId}-${d.serial}` : d.id;
}

