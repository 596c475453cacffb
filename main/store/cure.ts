import type { CureCode, CureState } from '../../shared/domain.js';
import type { AuditLog } from './audit.js';
import type { Db } from './db.js';
import { NoticeOutbox } from './notice-outbox.js';
import { parseCodes, ReviewQueue, type QueueFilter, type QueueItem } from './review-queue.js';

export type { QueueFilter, QueueItem };

export interface CureCase {
  caseId: number;
  ballotId: string;
  scanSeq: number | null;
  voterId: string | null;
  codes: CureCode[];
  state: CureState;
  profile: string;
  deadline: string | null;
  notifyBy: string | null;
  openedAt: string;
  openedBy: string;
  updatedAt: string;
}

interface CaseRow {
  case_id: number;
  ballot_id: string;
  scan_seq: number | null;
  voter_id: string | null;
  codes: string;
  state: CureState;
  profile: string;
  deadline: string | null;
  notify_by: string | null;
  opened_at: string;
  opened_by: string;
  updated_at: string;
}

function toCase(r: CaseRow): CureCase {
  return {
    caseId: r.case_id,
    ballotId: r.ballot_id,
    scanSeq: r.scan_seq,
    voterId: r.voter_id,
    codes: parseCodes(r.codes),
    state: r.state,
    profile: r.profile,
    deadline: r.deadline,
    notifyBy: r.notify_by,
    openedAt: r.opened_at,
    openedBy: r.opened_by,
    updatedAt: r.updated_at,
  };
}

export interface CureStep {
  at: string;
  actor: string;
  fromState: CureState | null;
  toState: CureState;
  reason: string;
  detail: unknown;
}

/** Cure cases, their steps and problem resolutions; the notice outbox is `notices`. */
export class CureStore {
  readonly notices: NoticeOutbox;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {
    this.notices = new NoticeOutbox(db, audit, (caseId, actor, reason, detail, at) => {
      const c = this.get(caseId);
      if (c) this.step(c.caseId, c.state, c.state, actor, reason, detail, at);
    });
  }

  get(caseId: number): CureCase | undefined {
    const r = this.db.prepare<[number], CaseRow>('SELECT * FROM cure_cases WHERE case_id = ?').get(caseId);
    return r ? toCase(r) : undefined;
  }

  openCaseOf(ballotId: string): CureCase | undefined {
    const r = this.db
      .prepare<[string], CaseRow>(
        "SELECT * FROM cure_cases WHERE ballot_id = ? AND state NOT IN ('ACCEPTED','REJECTED')",
      )
      .get(ballotId);
    return r ? toCase(r) : undefined;
  }

  casesOf(ballotId: string): CureCase[] {
    return this.db
      .prepare<[string], CaseRow>('SELECT * FROM cure_cases WHERE ballot_id = ? ORDER BY case_id')
      .all(ballotId)
      .map(toCase);
  }

  openWithin(c: Omit<CureCase, 'caseId' | 'state' | 'updatedAt'>, reason: string): CureCase {
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO cure_cases (ballot_id, scan_seq, voter_id, codes, state, profile, deadline, notify_by, opened_at, opened_by, updated_at)
           VALUES (?, ?, ?, ?, 'FLAGGED', ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          c.ballotId,
          c.scanSeq,
          c.voterId,
          JSON.stringify(c.codes),
          c.profile,
          c.deadline,
          c.notifyBy,
          c.openedAt,
          c.openedBy,
          c.openedAt,
        ).lastInsertRowid,
    );
    this.step(id, null, 'FLAGGED', c.openedBy, reason, { codes: c.codes }, c.openedAt);
    const opened = this.get(id);
    if (!opened) throw new Error(`cure case ${id} vanished`);
    this.audit.append(
      {
        actor: c.openedBy,
        action: 'cure.flag',
        entity: 'cure_case',
        entityId: String(id),
        before: null,
        after: { ballotId: c.ballotId, codes: c.codes, deadline: c.deadline, reason },
      },
      c.openedAt,
    );
    return opened;
  }

  addCodesWithin(
    existing: CureCase,
    codes: CureCode[],
    deadline: string | null,
    actor: string,
    reason: string,
    at: string,
  ): CureCase {
    const merged = [...new Set([...existing.codes, ...codes])];
    this.db
      .prepare('UPDATE cure_cases SET codes = ?, deadline = ?, updated_at = ? WHERE case_id = ?')
      .run(JSON.stringify(merged), deadline, at, existing.caseId);
    this.step(existing.caseId, existing.state, existing.state, actor, reason, { added: codes }, at);
    this.audit.append(
      {
        actor,
        action: 'cure.flag',
        entity: 'cure_case',
        entityId: String(existing.caseId),
        before: { codes: existing.codes },
        after: { ballotId: existing.ballotId, codes: merged, reason },
      },
      at,
    );
    return { ...existing, codes: merged, deadline, updatedAt: at };
  }

  /** Takes codes a flag added back off an open case: an appended step, not a delete (cure.unflag). */
  removeCodesWithin(existing: CureCase, codes: CureCode[], actor: string, reason: string, at: string): CureCase {
    const left = existing.codes.filter((c) => !codes.includes(c));
    this.db
      .prepare('UPDATE cure_cases SET codes = ?, updated_at = ? WHERE case_id = ?')
      .run(JSON.stringify(left), at, existing.caseId);
    this.step(existing.caseId, existing.state, existing.state, actor, reason, { removed: codes }, at);
    this.audit.append(
      {
        actor,
        action: 'cure.unflag',
        entity: 'cure_case',
        entityId: String(existing.caseId),
        before: { codes: existing.codes },
        after: { ballotId: existing.ballotId, codes: left, reason },
      },
      at,
    );
    return { ...existing, codes: left, updatedAt: at };
  }

  transitionWithin(
    c: CureCase,
    to: CureState,
    actor: string,
    reason: string,
    detail: unknown,
    at: string,
  ): CureCase {
    const n = this.db
      .prepare('UPDATE cure_cases SET state = ?, updated_at = ? WHERE case_id = ? AND state = ?')
      .run(to, at, c.caseId, c.state).changes;
    if (n !== 1) throw new Error(`cure case ${c.caseId} changed under us (expected ${c.state})`);
    this.step(c.caseId, c.state, to, actor, reason, detail, at);
    this.audit.append(
      {
        actor,
        action: 'cure.transition',
        entity: 'cure_case',
        entityId: String(c.caseId),
        before: { state: c.state },
        after: { ballotId: c.ballotId, state: to, reason },
      },
      at,
    );
    return { ...c, state: to, updatedAt: at };
  }

  private step(
    caseId: number,
    from: CureState | null,
    to: CureState,
    actor: string,
    reason: string,
    detail: unknown,
    at: string,
  ): void {
    this.db
      .prepare(
        'INSERT INTO cure_steps (case_id, at, actor, from_state, to_state, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(caseId, at, actor, from, to, reason, detail === undefined ? null : JSON.stringify(detail));
  }

  steps(caseId: number): CureStep[] {
    return this.db
      .prepare<
        [number],
        {
          at: string;
          actor: string;
          from_state: CureState | null;
          to_state: CureState;
          reason: string;
          detail: string | null;
        }
      >(
        'SELECT at, actor, from_state, to_state, reason, detail FROM cure_steps WHERE case_id = ? ORDER BY id',
      )
      .all(caseId)
      .map((r) => ({
        at: r.at,
        actor: r.actor,
        fromState: r.from_state,
        toState: r.to_state,
        reason: r.reason,
        detail: r.detail ? (JSON.parse(r.detail) as unknown) : null,
      }));
  }

  /** Open cases whose cure deadline has passed. */
  overdue(now: string): CureCase[] {
    return this.db
      .prepare<[string], CaseRow>(
        "SELECT * FROM cure_cases WHERE state IN ('FLAGGED','NOTICE_SENT','CURE_RECEIVED') AND deadline IS NOT NULL AND deadline < ? ORDER BY deadline, case_id",
      )
      .all(now)
      .map(toCase);
  }

  list(filter: { state?: CureState; ballotId?: string } = {}): CureCase[] {
    return this.db
      .prepare<[{ state: string | null; ballot: string | null }], CaseRow>(
        'SELECT * FROM cure_cases WHERE (@state IS NULL OR state = @state) AND (@ballot IS NULL OR ballot_id = @ballot) ORDER BY case_id',
      )
      .all({ state: filter.state ?? null, ballot: filter.ballotId ?? null })
      .map(toCase);
  }

  codeCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.db
      .prepare<[], { code: string; n: number }>(
        'SELECT j.value AS code, count(*) AS n FROM cure_cases, json_each(cure_cases.codes) j GROUP BY j.value',
      )
      .all())
      out[r.code] = r.n;
    return out;
  }

  /** `extra` joins the entry's `after` (a resolution made at another station says which, docs/county.md). */
  resolveProblemWithin(seq: number, resolution: string, actor: string, reason: string, at: string, extra: Record<string, unknown> = {}): void {
    this.db
      .prepare(
        'INSERT INTO problem_resolutions (scan_seq, resolution, at, actor, reason) VALUES (?, ?, ?, ?, ?)',
      )
      .run(seq, resolution, at, actor, reason);
    this.audit.append(
      {
        actor,
        action: 'problem.resolve',
        entity: 'scan',
        entityId: String(seq),
        before: null,
        after: { ...extra, resolution, reason },
      },
      at,
    );
  }

  resolutionOf(seq: number): { resolution: string; at: string; actor: string; reason: string } | undefined {
    return this.db
      .prepare<[number], { resolution: string; at: string; actor: string; reason: string }>(
        'SELECT resolution, at, actor, reason FROM problem_resolutions WHERE scan_seq = ?',
      )
      .get(seq);
  }

  /** The supervisor's queue (review-queue.ts). */
  queue(f: QueueFilter): { total: number; items: QueueItem[] } {
    return new ReviewQueue(this.db).page(f);
  }
}
