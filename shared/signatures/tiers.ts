import type { CureCode } from '../domain.js';
import type { SignatureDecision } from './decisions.js';

/**
 * The tiers of signature review as pure rules (issue 19; DOMAIN.md §10): what one reviewer's
 * decision does to an envelope, given the decisions already made on it. No I/O and no score:
 * every move here follows a person's decision.
 *
 *   tier1        match → done (or the blind sample); no-match, refer → tier2;
 *                no-signature → NO_VOTER_SIGNATURE cure case
 *   tier2        match → done; refer → supervisor; no-signature → cure case;
 *                no-match → SIGNATURE_MISMATCH cure case once two different operators (of two
 *                different parties where a bipartisan pair is required) have found no match,
 *                else it stays for another reviewer
 *   sample       (blind) match → done, agreed; anything else → supervisor, disagreed
 *   supervisor   like tier2, without refer (the end of the line)
 *   no-reference (nothing on file) the profile's cure code, or a supervisor's acceptance
 */
export type Stage = 'tier1' | 'tier2' | 'sample' | 'supervisor' | 'no-reference' | 'done';
export type Level = '1' | '2' | 'sample' | 'supervisor' | 'no-reference';
export type Outcome = 'accepted' | 'second-level' | 'supervisor' | 'cure-opened' | 'awaiting-another-reviewer' | 'sample-agreed' | 'sample-disagreed';

export const LEVEL_OF: Record<Exclude<Stage, 'done'>, Level> = { tier1: '1', tier2: '2', sample: 'sample', supervisor: 'supervisor', 'no-reference': 'no-reference' };

export interface Reviewer {
  name: string;
  party: string | null;
  supervisor: boolean;
}

export interface EarlierDecision {
  level: Level;
  decision: SignatureDecision;
  operator: string;
  party: string | null;
}

export interface SignatureRules {
  /** Two operators of different party designations for a rejection. */
  bipartisanPair: boolean;
  /** Decisions the reviewer must give a reason for. */
  reasonRequiredFor: readonly SignatureDecision[];
  /** With nothing on file: the cure code the state then requires, or null (a supervisor decides). */
  noSignatureOnFileCure: CureCode | null;
}

export type Move =
  | { ok: true; stage: Stage; outcome: Outcome; cure: CureCode | null; message: string }
  | { ok: false; code: 'forbidden' | 'conflict' | 'invalid'; message: string };

/** The decisions a reviewer may make at a stage (what the screen offers). */
export function decisionsAt(stage: Stage, rules: SignatureRules): SignatureDecision[] {
  switch (stage) {
    case 'tier1':
    case 'tier2':
    case 'sample':
      return ['match', 'no-match', 'no-signature', 'refer'];
    case 'supervisor':
      return ['match', 'no-match', 'no-signature'];
    case 'no-reference':
      return rules.noSignatureOnFileCure ? ['no-match', 'no-signature'] : ['match', 'no-match', 'no-signature'];
    case 'done':
      return [];
  }
}

/**
 * Which stages a reviewer is served, group by group (supervisors take the escalations first).
 * Within a group items come oldest first: first-level items and blind samples are one group,
 * so a sample is neither starved by a backlog nor told apart by when it comes.
 */
export function stageGroupsFor(r: Reviewer): Exclude<Stage, 'done'>[][] {
  const common: Exclude<Stage, 'done'>[][] = [['tier2'], ['tier1', 'sample']];
  return r.supervisor ? [['supervisor'], ['no-reference'], ...common] : common;
}

/** Whether the no-match findings so far (with this one) make a rejection under the rules. */
export function rejectionPair(noMatch: readonly { operator: string; party: string | null }[], bipartisan: boolean): { ok: true } | { ok: false; why: string } {
  const names = new Set(noMatch.map((d) => d.operator));
  if (names.size < 2) return { ok: false, why: 'a rejection needs a second reviewer to find that the signature does not match' };
  if (!bipartisan) return { ok: true };
  const parties = new Set(noMatch.map((d) => d.party).filter((p): p is string => p !== null && p !== ''));
  if (parties.size < 2) return { ok: false, why: 'this state requires a bipartisan pair: a reviewer of another party must also find that it does not match' };
  return { ok: true };
}

/** One decision's move. `sampleHit`: this first-level match falls in the blind sample. */
export function move(stage: Stage, decision: SignatureDecision, who: Reviewer, earlier: readonly EarlierDecision[], rules: SignatureRules, sampleHit: boolean): Move {
  if (stage === 'done') return { ok: false, code: 'conflict', message: 'this envelope has already been decided' };
  if ((stage === 'supervisor' || stage === 'no-reference') && !who.supervisor)
    return { ok: false, code: 'forbidden', message: 'only a supervisor decides this envelope' };
  const mine = earlier.find((d) => d.operator === who.name);
  if (mine && stage !== 'tier1')
    return { ok: false, code: 'forbidden', message: `${who.name} already decided on this envelope (${levelWords(mine.level)}): ${stage === 'tier2' ? 'the second level' : 'this look'} needs a different reviewer` };
  if (!decisionsAt(stage, rules).includes(decision)) return { ok: false, code: 'invalid', message: `"${decision}" is not a choice here` };
  const cureNoSignature: Move = { ok: true, stage: 'done', outcome: 'cure-opened', cure: 'NO_VOTER_SIGNATURE', message: 'no signature on the envelope: a cure case is open' };
  if (decision === 'no-signature') return cureNoSignature;
  switch (stage) {
    case 'tier1':
      if (decision === 'match')
        return { ok: true, stage: sampleHit ? 'sample' : 'done', outcome: 'accepted', cure: null, message: 'signature matches' };
      return { ok: true, stage: 'tier2', outcome: 'second-level', cure: null, message: decision === 'refer' ? 'referred to the second level' : 'sent to a second-level reviewer' };
    case 'sample':
      if (decision === 'match') return { ok: true, stage: 'done', outcome: 'sample-agreed', cure: null, message: 'signature matches' };
      return { ok: true, stage: 'supervisor', outcome: 'sample-disagreed', cure: null, message: 'recorded: a supervisor looks at this envelope' };
    case 'tier2':
    case 'supervisor':
      if (decision === 'match') return { ok: true, stage: 'done', outcome: 'accepted', cure: null, message: 'signature matches' };
      if (decision === 'refer') return { ok: true, stage: 'supervisor', outcome: 'supervisor', cure: null, message: 'referred to a supervisor' };
      return noMatchMove(who, earlier, rules);
    case 'no-reference':
      if (decision === 'match') return { ok: true, stage: 'done', outcome: 'accepted', cure: null, message: 'accepted without a signature on file' };
      return { ok: true, stage: 'done', outcome: 'cure-opened', cure: rules.noSignatureOnFileCure ?? 'SIGNATURE_MISMATCH', message: 'no signature on file to compare: a cure case is open' };
  }
}

function noMatchMove(who: Reviewer, earlier: readonly EarlierDecision[], rules: SignatureRules): Move {
  const found = [...earlier.filter((d) => d.decision === 'no-match'), { operator: who.name, party: who.party }];
  const pair = rejectionPair(found, rules.bipartisanPair);
  if (pair.ok) return { ok: true, stage: 'done', outcome: 'cure-opened', cure: 'SIGNATURE_MISMATCH', message: 'two reviewers found that the signature does not match: a cure case is open' };
  return { ok: true, stage: 'tier2', outcome: 'awaiting-another-reviewer', cure: null, message: `recorded; ${pair.why}` };
}

export function levelWords(level: Level): string {
  switch (level) {
    case '1':
    case 'sample':
      return 'first level';
    case '2':
      return 'second level';
    case 'supervisor':
      return 'supervisor';
    case 'no-reference':
      return 'no signature on file';
  }
}

/**
 * Whether a first-level match is re-reviewed blind: a hash of the station's secret seed and the
 * scan's number, below the share. Deterministic (the same scan always answers the same), and
 * unknowable to a reviewer without the seed.
 */
export function inSample(seedHex: string, scanSeq: number, rate: number, sha256: (text: string) => string): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  const h = sha256(`${seedHex}:${scanSeq}`);
  return Number.parseInt(h.slice(0, 8), 16) / 0x1_0000_0000 < rate;
}
