import { signatureHistory } from '../signatures/history.js';
import type { Store } from '../store/store.js';

export interface HistoryEvent {
  at: string;
  event: 'issued' | 'roll-change' | 'scan' | 'undo' | 'resolution' | 'cure' | 'signature' | 'mail';
  detail: string;
  verdict?: string;
  seq?: number;
  batchId?: string | null;
  /** Where a scan was made and the tray it went into: a phone inquiry asks "where is it". */
  station?: string;
  batchNumber?: number | null;
  by?: string;
}

/** A ballot's whole story for a phone inquiry: issued, re-imported changes, scans, undos. */
export function ballotHistory(store: Store, ballotId: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const ballot = store.scans.byBallotId.get(ballotId);
  if (ballot) {
    const imp = store.roll.importOf(ballot.import_id);
    events.push({
      at: ballot.issued_at ?? imp?.finishedAt ?? '',
      event: 'issued',
      detail: `issued${ballot.issued_at ? '' : ' (no issue date in the roll)'}; in roll since ${imp?.finishedAt ?? '?'}`,
    });
  }
  for (const c of store.roll.changesOf(ballotId)) {
    const changed = Object.keys(c.after).filter((k) => JSON.stringify(c.after[k]) !== JSON.stringify(c.before[k]));
    // Personal fields (DOB, addresses) are named but not shown: this text may be read aloud or logged.
    events.push({ at: c.at, event: 'roll-change', detail: `roll re-import changed ${changed.join(', ')}` + statusNote(c.before, c.after) });
  }
  for (const s of store.scans.ofBallot(ballotId)) {
    const batchNumber = s.batchId ? (store.batches.rowById(s.batchId)?.number ?? null) : null;
    events.push({ at: s.scannedAt, event: 'scan', verdict: s.verdict, seq: s.seq, batchId: s.batchId, station: s.station, batchNumber, by: s.operator, detail: `${s.verdict} at ${s.station}: ${s.reason}` });
    if (s.undo) events.push({ at: s.undo.at, event: 'undo', seq: s.seq, by: s.undo.operator, detail: `scan ${s.seq} undone: ${s.undo.reason}` });
    const r = store.cure.resolutionOf(s.seq);
    if (r) events.push({ at: r.at, event: 'resolution', seq: s.seq, by: r.actor, detail: `${s.verdict} resolved: ${r.resolution} — ${r.reason}` });
  }
  // The county's side (pulled from the hub): the same ballot received at other stations, and
  // any conflict the hub found, so a supervisor sees both receipts.
  for (const r of store.county.receiptsOfBallot(ballotId))
    events.push({ at: r.at, event: 'scan', verdict: r.verdict, station: r.station, by: r.operator ?? undefined, detail: `${r.verdict} at station ${r.station} (county, its scan ${r.scanSeq})${r.undone ? ', since undone there' : ''}` });
  for (const c of store.county.conflictsOfBallot(ballotId))
    events.push({ at: c.detectedAt, event: 'scan', detail: `county conflict: received at ${c.first} and at ${c.second} while the stations were apart${c.resolution ? ` — ${c.resolution}` : ' (unresolved)'}` });
  for (const c of store.cure.casesOf(ballotId))
    for (const step of store.cure.steps(c.caseId))
      events.push({ at: step.at, event: 'cure', by: step.actor, detail: `cure case ${c.caseId} ${step.fromState ?? ''}→${step.toState} (${c.codes.join(', ')}): ${step.reason}` });
  events.push(...signatureHistory(store, ballotId));
  // The USPS's scans of the ballot's pieces (docs/mail.md): the facility's time, or the UTC instant when USPS gave one.
  for (const e of store.mail.eventsOf(ballotId)) {
    const where = [e.facilityName, [e.facilityCity, e.facilityState, e.facilityZip].filter(Boolean).join(' ')].filter(Boolean).join(', ');
    events.push({ at: e.scannedAtUtc ?? e.scannedAt, event: 'mail', detail: `USPS scan, ${e.direction === 'out' ? 'on its way to the voter' : 'on its way back'}: ${e.mailPhase || 'scanned'}${where ? ` at ${where}` : ''}` });
  }
  return events.sort((a, b) => a.at.localeCompare(b.at));
}

function statusNote(before: Record<string, unknown>, after: Record<string, unknown>): string {
  return before['status'] !== after['status'] ? ` (status ${String(before['status'])} → ${String(after['status'])})` : '';
}
