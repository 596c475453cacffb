import { canMove, isOpen, needsSupervisor } from '../../shared/cure/lifecycle.js';
import { cureDeadline, notifyBy } from '../../shared/cure/deadline.js';
import type { StateProfile } from '../../shared/cure/profile.js';
import type { CureCode, CureState, Role } from '../../shared/domain.js';
import type { CureCase } from '../store/cure.js';
import type { Store } from '../store/store.js';
import { loadProfileFor } from './profiles.js';
import { ServiceError, type ServiceErrorCode } from '../../shared/errors.js';

export class CureError extends ServiceError {
  constructor(message: string, code: ServiceErrorCode = 'failed') {
    super(code, message);
    this.name = 'CureError';
  }
}

export interface Actor {
  name: string;
  role: Role;
}

/** How long the clerk who flagged an envelope can still undo it from the scan screen. */
export const UNFLAG_WINDOW_MS = 2 * 60_000;

export { PROBLEM_RESOLUTIONS } from '../../shared/cure/resolutions.js';
import { PROBLEM_RESOLUTIONS } from '../../shared/cure/resolutions.js';

/**
 * The cure workflow over the store: flags open cases with deadlines from the state profile;
 * every move is checked against the lifecycle and the actor's role, and appended with who,
 * when and why (cure_steps and the audit log, in one transaction).
 */
export class CureService {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Loaded once per code for this service's life (handlers and commands make one per call). */
  private loaded: StateProfile | null = null;
  private loadedType: string | null = null;

  profile(): StateProfile {
    const code = this.store.config.get('stateProfile') ?? 'generic';
    const type = this.store.config.get('electionType') ?? 'general';
    if (this.loaded?.code === code && this.loadedType === type) return this.loaded;
    const p = loadProfileFor(code, type);
    if (!p.ok) throw new CureError(`state profile ${code}: ${p.error}`);
    this.loaded = p.value;
    this.loadedType = type;
    return p.value;
  }

  /** Flags a received envelope (by its scan, or the ballot's current receipt) and opens or extends its case. */
  flag(
    target: { scanSeq?: number; ballotId?: string },
    codes: CureCode[],
    actor: Actor,
    reason: string,
  ): CureCase {
    if (codes.length === 0) throw new CureError('at least one cure code is required');
    const profile = this.profile();
    const unknown = codes.filter((c) => !(c in profile.cureCodes));
    if (unknown.length > 0)
      throw new CureError(`${unknown.join(', ')} does not apply under the ${profile.name} profile`);
    return this.store.write(() => {
      const at = this.clock().toISOString();
      const scan = this.receiptScan(target);
      const existing = this.store.cure.openCaseOf(scan.ballotId);
      const electionDate = this.store.config.get('electionDate');
      if (existing) {
        // A new code may close earlier (Arizona's missing signature): the deadline follows the codes.
        const merged = [...new Set([...existing.codes, ...codes])];
        const deadline = electionDate ? cureDeadline(profile, electionDate, merged) : existing.deadline;
        return this.store.cure.addCodesWithin(existing, codes, deadline, actor.name, reason, at);
      }
      return this.store.cure.openWithin(
        {
          ballotId: scan.ballotId,
          scanSeq: scan.seq,
          voterId: scan.voterId,
          codes,
          profile: profile.code,
          deadline: electionDate ? cureDeadline(profile, electionDate, codes) : null,
          notifyBy: electionDate ? notifyBy(profile, electionDate, at) : null,
          openedAt: at,
          openedBy: actor.name,
        },
        reason,
      );
    });
  }

  /**
   * Undoes a flag from the scan screen: only the clerk who raised it, only within
   * UNFLAG_WINDOW_MS, only while nothing else has happened to the case. The codes come off the
   * case as an appended step; a case left with none is closed ACCEPTED (a flag raised in error).
   */
  unflag(caseId: number, codes: CureCode[], actor: Actor): CureCase {
    return this.store.write(() => {
      const c = this.store.cure.get(caseId);
      if (!c) throw new CureError(`no cure case ${caseId}`);
      const now = this.clock();
      const steps = this.store.cure.steps(caseId);
      const mine = (code: CureCode) =>
        steps.some((s) => {
          const d = (s.detail ?? {}) as { codes?: CureCode[]; added?: CureCode[] };
          const flagged = [...(d.codes ?? []), ...(d.added ?? [])].includes(code);
          return flagged && s.actor === actor.name && now.getTime() - Date.parse(s.at) <= UNFLAG_WINDOW_MS;
        });
      if (c.state !== 'FLAGGED' || steps.some((s) => s.toState !== 'FLAGGED'))
        throw new CureError('this case has moved on since it was flagged: ask a supervisor to change it');
      const notMine = codes.filter((code) => !c.codes.includes(code) || !mine(code));
      if (notMine.length > 0)
        throw new CureError(
          `only the clerk who flagged an envelope can undo it, within ${UNFLAG_WINDOW_MS / 60_000} minutes: ask a supervisor`,
        );
      const at = now.toISOString();
      const reason = 'flag undone at intake by the clerk who raised it';
      if (codes.length < c.codes.length) return this.store.cure.removeCodesWithin(c, codes, actor.name, reason, at);
      return this.store.cure.transitionWithin(c, 'ACCEPTED', actor.name, reason, { undone: codes }, at);
    });
  }

  private receiptScan(target: { scanSeq?: number; ballotId?: string }): {
    seq: number;
    ballotId: string;
    voterId: string | null;
  } {
    if (target.scanSeq !== undefined) {
      const s = this.store.scans.get(target.scanSeq);
      if (!s) throw new CureError(`no scan ${target.scanSeq}`, 'not-found');
      if (!s.ballotId || !this.store.scans.isReceipt(s.seq))
        throw new CureError(
          `scan ${s.seq} (${s.verdict}) is not a receipt: only a received envelope can be flagged for cure`,
        );
      return { seq: s.seq, ballotId: s.ballotId, voterId: s.voterId };
    }
    if (target.ballotId) {
      const r = this.store.scans.receipt(target.ballotId);
      if (!r) throw new CureError(`ballot ${target.ballotId} has no receipt: scan the envelope first`);
      return { seq: r.seq, ballotId: target.ballotId, voterId: this.store.scans.get(r.seq)?.voterId ?? null };
    }
    throw new CureError('give a scan or a ballot to flag');
  }

  move(caseId: number, to: CureState, actor: Actor, reason: string, detail: unknown = null): CureCase {
    if (!reason.trim()) throw new CureError('every cure step needs a reason');
    if (needsSupervisor(to) && actor.role !== 'supervisor')
      throw new CureError(`only a supervisor can move a case to ${to}`, 'forbidden');
    return this.store.write(() => {
      const c = this.store.cure.get(caseId);
      if (!c) throw new CureError(`no cure case ${caseId}`, 'not-found');
      if (!canMove(c.state, to)) throw new CureError(`case ${caseId} is ${c.state}: it cannot move to ${to}`, 'conflict');
      return this.store.cure.transitionWithin(
        c,
        to,
        actor.name,
        reason.trim(),
        detail,
        this.clock().toISOString(),
      );
    });
  }

  /** Moves every open case past its deadline to NOT_CURED; returns them. */
  expire(actor: Actor): CureCase[] {
    const now = this.clock().toISOString();
    return this.store.write(() =>
      this.store.cure
        .overdue(now)
        .filter((c) => canMove(c.state, 'NOT_CURED'))
        .map((c) =>
          this.store.cure.transitionWithin(
            c,
            'NOT_CURED',
            actor.name,
            `cure deadline ${c.deadline ?? ''} passed`,
            null,
            now,
          ),
        ),
    );
  }

  resolveProblem(seq: number, resolution: string, actor: Actor, reason: string): void {
    if (actor.role !== 'supervisor') throw new CureError('only a supervisor resolves problem ballots', 'forbidden');
    if (!reason.trim()) throw new CureError('a resolution needs a reason');
    this.store.write(() => {
      const s = this.store.scans.get(seq);
      if (!s) throw new CureError(`no scan ${seq}`, 'not-found');
      if (s.verdict === 'ACCEPTED') throw new CureError(`scan ${seq} was accepted: nothing to resolve`);
      const allowed: readonly string[] = PROBLEM_RESOLUTIONS[s.verdict];
      if (!allowed.includes(resolution))
        throw new CureError(`a ${s.verdict} scan is resolved as ${allowed.join(' or ')}, not ${resolution}`);
      const prior = this.store.cure.resolutionOf(seq);
      if (prior)
        throw new CureError(`scan ${seq} was already resolved (${prior.resolution}) by ${prior.actor}`, 'conflict');
      this.store.cure.resolveProblemWithin(
        seq,
        resolution,
        actor.name,
        reason.trim(),
        this.clock().toISOString(),
      );
    });
  }

  isOpen(c: CureCase): boolean {
    return isOpen(c.state);
  }
}
