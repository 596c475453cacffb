import type { CureCode, CureState } from '../../shared/domain.js';
import type { StateProfile } from '../../shared/cure/profile.js';
import { referralCodeTable, type ReferralKey } from '../../shared/sync/referral-codes.js';
import type { BallotStatusRow, FeedEvent } from '../store/feed.js';
import type { Store } from '../store/store.js';
import type { MailStatusOptions } from '../../shared/mail/status.js';
import { ballotTraxStatusCsv, type BallotStatusRecord } from './layouts/ballottrax.js';
import type { LayoutError } from './layouts/errors.js';
import { floridaAbsenteeLine, type FloridaAbsenteeRecord } from './layouts/florida.js';
import {
  ballotTraxStatusFor,
  floridaRequestStatusFor,
  isReinstated,
  isSignatureRelatedReason,
  type BallotFacts,
  type LateDecision,
} from './layouts/status.js';
import { SyncError } from './sender.js';

/**
 * What voter-notification services and the state's daily files are told: built from the store's
 * records (the audit log for the feed, the roll, receipts and cure cases for statuses), so a
 * voter is shown exactly what the station recorded.
 */

export interface FeedPage {
  events: FeedEvent[];
  /** Give this as --since next time to continue where this export ended. */
  cursor: number;
}

export function feedPage(store: Store, since: number): FeedPage {
  const events = [...store.feed.since(since, mailOptionsOf(store))];
  return { events, cursor: events.at(-1)?.cursor ?? since };
}

/** The office's mail settings (shared/mail/status.ts), as the feed's mail milestones and statuses use them. */
function mailOptionsOf(store: Store): MailStatusOptions {
  return { officeZips: store.config.get('mailOfficeZips') ?? [], undeliverableOpCodes: store.config.get('mailUndeliverableOpCodes') ?? [] };
}

/** Whether the USPS returned a ballot's outbound piece undeliverable (its mail status); no lookups when no scan is kept. */
function undeliverableTest(store: Store): (ballotId: string) => boolean {
  if (store.mail.counts().events === 0) return () => false;
  const opts = mailOptionsOf(store);
  return (ballotId) => store.mail.statusOf(ballotId, opts)?.status === 'returned-undeliverable';
}

function facts(r: BallotStatusRow, undeliverable = false): BallotFacts {
  return {
    cancelled: r.status === 'CANCELLED',
    mailed: r.issued_at !== null,
    undeliverable,
    receipt: r.received_at ? { cureState: (r.cure_state as CureState | null) ?? null, late: lateDecision(r) } : null,
  };
}

function lateDecision(r: BallotStatusRow): LateDecision | undefined {
  if (r.receipt_verdict !== 'LATE') return undefined;
  if (r.late_resolution === 'accept-postmark') return 'accepted';
  if (r.late_resolution === 'reject-late') return 'rejected';
  return 'undecided';
}

const codesOf = (r: BallotStatusRow): CureCode[] => (r.cure_codes ? (JSON.parse(r.cure_codes) as CureCode[]) : []);

/**
 * The BallotTrax ballot-status file for every ballot whose status changed since the cursor:
 * one row per ballot, its status as of now. A ballot BallotTrax has no word for (cancelled and
 * never received, or late with no decision yet) is left out; the decision is itself a change,
 * so the ballot is in the file of the export that follows it.
 */
export function ballotTraxFeed(store: Store, since: number, profile: StateProfile): { csv: string; ballots: number; cursor: number } {
  const electionNumber = store.config.get('ballotTraxElectionNumber');
  if (electionNumber === undefined)
    throw new SyncError(
      "the BallotTrax file needs the election's number in Voter Focus (a short whole number, not the station's election ID): set it with `intake config set ballotTraxElectionNumber N`",
    );
  const table = referralCodeTable(store.config.get('ballotTraxReasonCodes'));
  const missing = new Set<ReferralKey>();
  // A rejection reason with no code: named once, and the file refused (a wrong code would mislead the voter).
  const referralCode = (reason: ReferralKey): string => {
    const c = table[reason];
    if (c === undefined) missing.add(reason);
    return c ?? '?';
  };
  const page = feedPage(store, since);
  const ids = [...new Set(page.events.map((e) => e.ballotId))];
  const records: BallotStatusRecord[] = [];
  const undeliverable = undeliverableTest(store);
  for (const r of store.feed.ballotStatuses(ids)) {
    const f = facts(r, undeliverable(r.ballot_id));
    const status = ballotTraxStatusFor(f);
    if (!status) continue;
    const lateRejected = f.receipt?.late === 'rejected';
    const codes = lateRejected ? [] : codesOf(r);
    const rejected = status === 'Rejected' || status === 'RejectedCurable';
    const reason: ReferralKey = lateRejected ? 'LATE' : (codes[0] ?? 'OTHER');
    const code = rejected ? referralCode(reason) : null;
    records.push({
      electionNumber: String(electionNumber),
      voterId: r.voter_id,
      status,
      mailedDate: r.issued_at,
      returnedDate: r.received_at,
      precinct: r.precinct,
      party: null,
      rejectionReason: code,
      rejectionDescription: !rejected
        ? null
        : lateRejected
          ? 'Received after the deadline.'
          : codes.map((c) => profile.cureCodes[c]?.label.en ?? c).join(' ') || 'Referred for review.',
      isReinstated: isReinstated(f),
      // The layout carries a reason only for a rejected ballot: a cured signature is just Accepted (and reinstated).
      isSignatureRelated: rejected && isSignatureRelatedReason(codes),
    });
  }
  if (missing.size > 0) {
    throw new SyncError(
      `the BallotTrax file cannot be written: no Voter Focus referral reason code for ${[...missing].join(', ')}. ` +
        'Give each the one-character code your county uses, in the setting ballotTraxReasonCodes (docs/feed.md lists the documented codes)',
    );
  }
  const csv = ballotTraxStatusCsv(records, { timeZone: profile.timeZone });
  if (!csv.ok) throw new SyncError(`the BallotTrax file cannot be written: ${describe(csv.error)}`);
  return { csv: csv.value, ballots: records.length, cursor: page.cursor };
}

export interface FloridaFileOptions {
  countyId: string;
  electionId: string;
  electionNumber: string;
  electionDate: string;
  electionName: string;
  timeZone: string;
}

/**
 * Florida's daily county absentee-status file: one line per voter of the election, a complete
 * replacement of the day before. Streams line by line; if any voter cannot be written, the
 * generator throws after the last line (so an atomic writer discards the whole file) naming
 * the first records at fault.
 */
export function* floridaDailyFile(store: Store, o: FloridaFileOptions): Generator<string> {
  const errors: LayoutError[] = [];
  let i = 0;
  const undeliverable = undeliverableTest(store);
  for (const r of store.feed.voterStatuses(o.electionId)) {
    // AbsReqCanceledDate: the day the roll or the state's change feed says the ballot was cancelled.
    const cancelledAt = r.status === 'CANCELLED' ? r.cancelled_at : null;
    const record: FloridaAbsenteeRecord = {
      countyId: o.countyId,
      voterId: r.voter_id,
      electionNumber: o.electionNumber,
      electionDate: o.electionDate,
      electionName: o.electionName,
      lastChange: [r.issued_at, r.received_at, r.cure_updated_at, cancelledAt].filter((d): d is string => !!d).sort().at(-1) ?? o.electionDate,
      requestStatus: floridaRequestStatusFor(facts(r, undeliverable(r.ballot_id))),
      deliveryDate: r.issued_at,
      returnDate: r.received_at,
      canceledDate: cancelledAt,
      precinct: r.precinct,
      voterName: [r.last_name, r.first_name, r.middle_name, r.suffix].filter(Boolean).join(' '),
      mailing: { line1: r.mail_address, city: r.mail_city, state: r.mail_state, zip: r.mail_zip },
    };
    const line = floridaAbsenteeLine(record, { timeZone: o.timeZone }, i);
    i += 1;
    if (line.ok) yield `${line.value}\r\n`;
    else if (errors.length < 20) errors.push(...line.error.map((e) => ({ ...e, field: `${e.field} (voter ${r.voter_id})` })));
  }
  if (errors.length > 0) throw new SyncError(`the Florida file cannot be written: ${describe(errors)}`);
}

function describe(errors: readonly LayoutError[]): string {
  const shown = errors.slice(0, 5).map((e) => `record ${e.record + 1} ${e.field}: ${e.error}`);
  return shown.join('; ') + (errors.length > 5 ? `; and ${errors.length - 5} more` : '');
}
