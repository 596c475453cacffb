import { canonicalJson } from './audit.js';
import type { Db } from './db.js';
import { toScanRecord, type ScanRecord } from './scans.js';

/**
 * The audit chain proves only itself. These checks prove that every table deciding a verdict
 * or an export still reads as the chain recorded it, both ways: every row (scan, receipt,
 * undo, resolution, batch change, cure step) has its entry, and every entry's row is still
 * there with the same deciding fields. Someone with the database file who deletes a receipt
 * (so the ballot is ACCEPTED again) or forges an undo (so it leaves the export) is named here.
 * Each check is one pass over its table and the entries it needs (no row is looked up twice).
 */
export interface CoverageProblem {
  /** The audit entry concerned, or 0 when the row has none. */
  brokenAt: number;
  reason: string;
}

interface Entry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity_id: string | null;
  before: string | null;
  after: string | null;
}

type Obj = Record<string, unknown>;
const json = (s: string | null): Obj => (s ? (JSON.parse(s) as Obj) : {});

/** "2026-11-03 14:05:09 UTC": when the log recorded something, readable. */
export function when(at: string): string {
  return `${at.slice(0, 19).replace('T', ' ')} UTC`;
}

const recorded = (e: { seq: number; at: string }) => `the audit log recorded it at ${when(e.at)} (entry ${e.seq})`;

/** Scans against their `scan.record` entries; returns the receipts the chain says exist. */
export function checkScans(db: Db): { problem: CoverageProblem | null; checked: number; receipts: ExpectedReceipt[] } {
  const recordedScans = new Map<number, { seq: number; after: string }>();
  for (const e of db.prepare<[], { seq: number; entity_id: string; after: string }>("SELECT seq, entity_id, after FROM audit_log WHERE action = 'scan.record' ORDER BY seq").iterate())
    recordedScans.set(Number(e.entity_id), { seq: e.seq, after: e.after });
  const receipts: ExpectedReceipt[] = [];
  let checked = 0;
  for (const row of db.prepare<[], Parameters<typeof toScanRecord>[0]>('SELECT * FROM scans ORDER BY seq').iterate()) {
    const scan = toScanRecord(row);
    const entry = recordedScans.get(scan.seq);
    if (!entry) return { problem: { brokenAt: 0, reason: `scan ${scan.seq} has no audit entry` }, checked, receipts };
    if (canonicalJson(scan) !== entry.after) return { problem: { brokenAt: entry.seq, reason: `scan ${scan.seq} differs from its audit entry ${entry.seq}` }, checked, receipts };
    recordedScans.delete(scan.seq);
    if (isReceiptVerdict(scan)) receipts.push({ seq: scan.seq, ballotId: scan.ballotId ?? '', auditSeq: entry.seq, at: scan.scannedAt });
    checked += 1;
  }
  const missing = recordedScans.entries().next();
  if (!missing.done) return { problem: { brokenAt: missing.value[1].seq, reason: `scan ${missing.value[0]} is in the audit log but missing from the scans table` }, checked, receipts };
  return { problem: null, checked, receipts };
}

export interface ExpectedReceipt {
  seq: number;
  ballotId: string;
  auditSeq: number;
  at: string;
}

/** The verdict rules' `isReceipt`: an envelope taken in for its ballot (ACCEPTED, or LATE pending review). */
function isReceiptVerdict(s: ScanRecord): boolean {
  return (s.verdict === 'ACCEPTED' || s.verdict === 'LATE') && s.ballotId !== null;
}

/** Every other deciding table, against the entries of the chain. */
export function checkRows(db: Db, receipts: ExpectedReceipt[]): CoverageProblem | null {
  const entries = db.prepare<[], Entry>(
    `SELECT seq, at, actor, action, entity_id, before, after FROM audit_log
     WHERE action IN ('scan.undo', 'problem.resolve', 'batch.open', 'batch.close', 'batch.reconcile', 'cure.flag', 'cure.transition', 'cure.notice-sent')
     ORDER BY seq`,
  );
  const undos = new Map<number, Entry>();
  const resolutions = new Map<number, Entry>();
  const batches = new Map<string, ChainBatch>();
  const cases = new Map<number, ChainCase>();
  for (const e of entries.iterate()) {
    if (e.action === 'scan.undo') undos.set(Number(e.entity_id), e);
    else if (e.action === 'problem.resolve') resolutions.set(Number(e.entity_id), e);
    else if (e.action.startsWith('batch.')) addBatchEntry(batches, e);
    else addCureEntry(cases, e);
  }
  return checkReceipts(db, receipts, undos) ?? checkUndos(db, undos) ?? checkResolutions(db, resolutions) ?? checkBatches(db, batches) ?? checkCure(db, cases);
}

function checkReceipts(db: Db, expected: ExpectedReceipt[], undos: Map<number, Entry>): CoverageProblem | null {
  const live = expected.filter((r) => !undos.has(r.seq));
  let i = 0;
  // Both sides in scan order: a merge, not a lookup per row.
  for (const row of db.prepare<[], { scan_seq: number; ballot_id: string }>('SELECT scan_seq, ballot_id FROM receipts ORDER BY scan_seq').iterate()) {
    const want = live[i];
    if (want && want.seq < row.scan_seq) return missingReceipt(want);
    if (want?.seq !== row.scan_seq) {
      const undo = undos.get(row.scan_seq);
      const why = undo ? `the audit log recorded its undo at ${when(undo.at)} (entry ${undo.seq})` : 'the audit log never recorded it';
      return { brokenAt: undo?.seq ?? 0, reason: `receipt for ballot ${row.ballot_id} (scan ${row.scan_seq}) should not exist: ${why}` };
    }
    if (want.ballotId !== row.ballot_id)
      return { brokenAt: want.auditSeq, reason: `receipt of scan ${row.scan_seq} names ballot ${row.ballot_id}, but ${recorded({ seq: want.auditSeq, at: want.at })} for ballot ${want.ballotId}` };
    i += 1;
  }
  return i < live.length ? missingReceipt(live[i]) : null;
}

function missingReceipt(r: ExpectedReceipt | undefined): CoverageProblem | null {
  if (!r) return null;
  return { brokenAt: r.auditSeq, reason: `receipt for ballot ${r.ballotId} (scan ${r.seq}) is missing but ${recorded({ seq: r.auditSeq, at: r.at })}` };
}

function checkUndos(db: Db, undos: Map<number, Entry>): CoverageProblem | null {
  const seen = new Set<number>();
  for (const row of db.prepare<[], { scan_seq: number; undone_at: string; operator: string; reason: string }>('SELECT * FROM scan_undos ORDER BY scan_seq').iterate()) {
    const e = undos.get(row.scan_seq);
    if (!e) return { brokenAt: 0, reason: `undo of scan ${row.scan_seq} (by ${row.operator}, "${row.reason}") has no audit entry: the station never recorded it` };
    const diff = differs({ time: [row.undone_at, e.at], operator: [row.operator, e.actor], reason: [row.reason, json(e.after)['reason']] });
    if (diff) return { brokenAt: e.seq, reason: `undo of scan ${row.scan_seq} differs from its audit entry ${e.seq} (${diff})` };
    seen.add(row.scan_seq);
  }
  for (const [seq, e] of undos) if (!seen.has(seq)) return { brokenAt: e.seq, reason: `undo of scan ${seq} is missing but ${recorded(e)}` };
  return null;
}

function checkResolutions(db: Db, resolutions: Map<number, Entry>): CoverageProblem | null {
  const seen = new Set<number>();
  for (const row of db.prepare<[], { scan_seq: number; resolution: string; at: string; actor: string; reason: string }>('SELECT * FROM problem_resolutions ORDER BY scan_seq').iterate()) {
    const e = resolutions.get(row.scan_seq);
    if (!e) return { brokenAt: 0, reason: `resolution of scan ${row.scan_seq} (${row.resolution} by ${row.actor}) has no audit entry: the station never recorded it` };
    const after = json(e.after);
    const diff = differs({ resolution: [row.resolution, after['resolution']], reason: [row.reason, after['reason']], time: [row.at, e.at], supervisor: [row.actor, e.actor] });
    if (diff) return { brokenAt: e.seq, reason: `resolution of scan ${row.scan_seq} differs from its audit entry ${e.seq} (${diff})` };
    seen.add(row.scan_seq);
  }
  for (const [seq, e] of resolutions) if (!seen.has(seq)) return { brokenAt: e.seq, reason: `resolution of scan ${seq} is missing but ${recorded(e)}` };
  return null;
}

interface ChainBatch {
  open: Entry | null;
  close: Entry | null;
  /** The last hand count recorded (at close or reconciled later). */
  count: { handCount: unknown; at: string; actor: string } | null;
}

function addBatchEntry(batches: Map<string, ChainBatch>, e: Entry): void {
  const id = e.entity_id ?? '';
  const b = batches.get(id) ?? { open: null, close: null, count: null };
  batches.set(id, b);
  if (e.action === 'batch.open') b.open = e;
  else if (e.action === 'batch.close') {
    b.close = e;
    const handCount = json(e.after)['handCount'] ?? null;
    if (handCount !== null) b.count = { handCount, at: e.at, actor: e.actor };
  } else b.count = { handCount: json(e.after)['handCount'], at: e.at, actor: e.actor };
}

interface BatchTableRow {
  batch_id: string; number: number; station: string; status: string; opened_at: string; opened_by: string;
  closed_at: string | null; closed_by: string | null; close_reason: string | null; scanned_count: number | null;
  hand_count: number | null; reconciled_at: string | null; reconciled_by: string | null;
}

function checkBatches(db: Db, batches: Map<string, ChainBatch>): CoverageProblem | null {
  const seen = new Set<string>();
  for (const row of db.prepare<[], BatchTableRow>('SELECT * FROM batches ORDER BY opened_at, number').iterate()) {
    const name = `batch ${row.number} of ${row.station}`;
    const b = batches.get(row.batch_id);
    if (!b?.open) return { brokenAt: 0, reason: `${name} has no audit entry: the station never opened it` };
    seen.add(row.batch_id);
    const opened = json(b.open.after);
    let diff = differs({ number: [row.number, opened['number']], station: [row.station, opened['station']], 'opened at': [row.opened_at, b.open.at], 'opened by': [row.opened_by, b.open.actor] });
    if (diff) return { brokenAt: b.open.seq, reason: `${name} differs from its audit entry ${b.open.seq} (${diff})` };
    if (row.status === 'OPEN' && b.close) return { brokenAt: b.close.seq, reason: `${name} is open, but the audit log recorded its close at ${when(b.close.at)} (entry ${b.close.seq})` };
    if (row.status !== 'OPEN' && !b.close) return { brokenAt: b.open.seq, reason: `${name} is closed, but the audit log never recorded its close` };
    if (!b.close) continue;
    const closed = json(b.close.after);
    diff = differs({
      'closed at': [row.closed_at, b.close.at], 'closed by': [row.closed_by, b.close.actor], 'close reason': [row.close_reason, closed['reason']],
      'scanned count': [row.scanned_count, closed['scannedCount']], 'hand count': [row.hand_count, b.count?.handCount ?? null],
      'counted at': [row.reconciled_at, b.count?.at ?? null], 'counted by': [row.reconciled_by, b.count?.actor ?? null],
    });
    if (diff) return { brokenAt: b.close.seq, reason: `${name} differs from its audit entries (${diff})` };
  }
  for (const [id, b] of batches) {
    const first = b.open ?? b.close;
    if (!seen.has(id) && first) return { brokenAt: first.seq, reason: `batch ${id} is missing but ${recorded(first)}` };
  }
  return null;
}

interface ExpectedStep {
  entry: Entry;
  from: string | null;
  to: string;
  reason?: unknown;
}

interface ChainCase {
  steps: ExpectedStep[];
  state: string;
  ballotId: unknown;
  /** The codes after the last flag (an added code records the merged list). */
  codes: string;
}

/** Each step-making entry of a case, in order: open (FLAGGED), codes added, a transition, a notice sent. */
function addCureEntry(cases: Map<number, ChainCase>, e: Entry): void {
  const after = json(e.after);
  const caseId = Number(e.action === 'cure.notice-sent' ? after['caseId'] : e.entity_id);
  const c = cases.get(caseId);
  // Flag entries carry the step's reason since this check exists; older ones are checked without it.
  const reason = e.action === 'cure.notice-sent' ? undefined : after['reason'];
  if (e.action === 'cure.flag' && e.before === null) {
    cases.set(caseId, { steps: [{ entry: e, from: null, to: 'FLAGGED', reason }], state: 'FLAGGED', ballotId: after['ballotId'], codes: canonicalJson(after['codes'] ?? null) });
    return;
  }
  if (!c) return; // a case the log never opened: its rows are reported as unrecorded
  if (e.action === 'cure.flag') c.codes = canonicalJson(after['codes'] ?? null);
  if (e.action === 'cure.transition') {
    const to = String(after['state']);
    c.steps.push({ entry: e, from: String(json(e.before)['state']), to, reason });
    c.state = to;
  } else c.steps.push({ entry: e, from: c.state, to: c.state, reason });
}

interface StepRow { id: number; case_id: number; at: string; actor: string; from_state: string | null; to_state: string; reason: string }

function checkCure(db: Db, cases: Map<number, ChainCase>): CoverageProblem | null {
  const steps = db.prepare<[], StepRow>('SELECT id, case_id, at, actor, from_state, to_state, reason FROM cure_steps ORDER BY case_id, id').iterate();
  let caseId = -1;
  let index = 0;
  const endOfCase = (): CoverageProblem | null => {
    const missing = cases.get(caseId)?.steps[index];
    return missing ? { brokenAt: missing.entry.seq, reason: `cure step of case ${caseId} (${missing.from ?? 'new'} → ${missing.to}) is missing but ${recorded(missing.entry)}` } : null;
  };
  for (const row of steps) {
    if (row.case_id !== caseId) {
      const gap = caseId === -1 ? null : endOfCase();
      if (gap) return gap;
      caseId = row.case_id;
      index = 0;
    }
    const want = cases.get(caseId)?.steps[index];
    if (!want) return { brokenAt: 0, reason: `cure step ${row.id} of case ${caseId} (${row.from_state ?? 'new'} → ${row.to_state} by ${row.actor}) has no audit entry: the station never recorded it` };
    const diff = differs({
      from: [row.from_state, want.from], to: [row.to_state, want.to], time: [row.at, want.entry.at], by: [row.actor, want.entry.actor],
      ...(want.reason === undefined ? {} : { reason: [row.reason, want.reason] }),
    });
    if (diff) return { brokenAt: want.entry.seq, reason: `cure step ${row.id} of case ${caseId} differs from its audit entry ${want.entry.seq} (${diff})` };
    index += 1;
  }
  const gap = caseId === -1 ? null : endOfCase();
  if (gap) return gap;
  return checkCases(db, cases);
}

/** Each case's state is its last recorded step's, and no case the log opened has vanished. */
function checkCases(db: Db, cases: Map<number, ChainCase>): CoverageProblem | null {
  const seen = new Set<number>();
  for (const row of db.prepare<[], { case_id: number; ballot_id: string; state: string; codes: string }>('SELECT case_id, ballot_id, state, codes FROM cure_cases ORDER BY case_id').iterate()) {
    const c = cases.get(row.case_id);
    if (!c) return { brokenAt: 0, reason: `cure case ${row.case_id} (ballot ${row.ballot_id}) has no audit entry: the station never opened it` };
    const last = c.steps.at(-1)?.entry;
    if (row.state !== c.state) return { brokenAt: last?.seq ?? 0, reason: `cure case ${row.case_id} (ballot ${row.ballot_id}) is ${row.state}, but its last recorded step made it ${c.state}` };
    const diff = differs({ ballot: [row.ballot_id, c.ballotId], codes: [canonicalText(row.codes), c.codes] });
    if (diff) return { brokenAt: c.steps[0]?.entry.seq ?? 0, reason: `cure case ${row.case_id} differs from its audit entries (${diff})` };
    seen.add(row.case_id);
  }
  for (const [id, c] of cases) {
    const first = c.steps[0]?.entry;
    if (!seen.has(id) && first) return { brokenAt: first.seq, reason: `cure case ${id} is missing but ${recorded(first)}` };
  }
  // Steps of a case with no case row were reported above (the case's steps are all missing or unrecorded).
  return null;
}

/** A stored JSON value in canonical form; text that is not JSON (edited by hand) as it is. */
function canonicalText(text: string): string {
  try {
    return canonicalJson(JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}

/** "reason is "x", the log says "y"" for the first field that differs, or null. */
function differs(fields: Record<string, [unknown, unknown]>): string | null {
  for (const [name, [row, logged]] of Object.entries(fields))
    if ((row ?? null) !== (logged ?? null)) return `${name} is ${JSON.stringify(row ?? null)}, the log says ${JSON.stringify(logged ?? null)}`;
  return null;
}
