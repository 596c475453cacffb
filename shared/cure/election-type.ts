/**
 * The kind of election the station is working, a station setting (`electionType`), because the
 * deadlines hang on it: Washington certifies 10 days after a special election or the presidential
 * primary, 14 after a primary, 21 after a general (RCW 29A.60.190); Arizona allows a signature
 * cure through the fifth business day after an election with a federal office on the ballot and
 * the third after any other (A.R.S. 16-550(A)). A small closed set, only what the profiles need:
 *
 * - `general`, `primary`, `special`: as the state's law names them. Where a state's rule turns on
 *   a federal office being on the ballot (Arizona), these three mean one is.
 * - `presidential-primary`: the presidential primary (preference) election.
 * - `state-local`: an election with no federal office on the ballot (Arizona's "any other election":
 *   city, town, school, county-only, and special elections without a federal office).
 *
 * Each profile names the types it covers, with the source for each; asked about another type it
 * says so (`profileForElection`) instead of guessing a date. docs/deadlines.md has the table.
 */
import { z } from 'zod';
import { err, ok, type Result } from '../result.js';

export const ELECTION_TYPES = [
  'general',
  'primary',
  'presidential-primary',
  'special',
  'state-local',
] as const;
export type ElectionType = (typeof ELECTION_TYPES)[number];
export const electionTypeSchema = z.enum(ELECTION_TYPES);

/** How a clerk reads each type in a message. */
export const ELECTION_TYPE_WORDS: Readonly<Record<ElectionType, string>> = {
  general: 'a general election',
  primary: 'a primary',
  'presidential-primary': 'a presidential primary',
  special: 'a special election',
  'state-local': 'a state or local election with no federal office on the ballot',
};

/** The deadline rules a profile applies; an election type may override either. */
export interface ElectionRules<C, R> {
  cureDeadline: C;
  receiptDeadline: R;
}

interface TypedProfile<C, R> extends ElectionRules<C, R> {
  name: string;
  electionTypes: Partial<
    Record<ElectionType, { basis: string; cureDeadline?: C | undefined; receiptDeadline?: R | undefined }>
  >;
}

/**
 * The profile with the deadlines of one election type in place of its defaults, or, for a type
 * it does not cover, an error that says so in plain words.
 */
export function profileForElection<C, R, P extends TypedProfile<C, R>>(
  profile: P,
  type: ElectionType,
): Result<P> {
  const rule = profile.electionTypes[type];
  if (rule === undefined) {
    const covered = ELECTION_TYPES.filter((t) => profile.electionTypes[t] !== undefined).map(
      (t) => ELECTION_TYPE_WORDS[t],
    );
    return err(
      `the ${profile.name} profile does not cover ${ELECTION_TYPE_WORDS[type]}: its sources give no deadlines for one, so none is guessed. It covers ${covered.join(', ') || 'no election type'}; set electionType to the election's type, or ask the state for the rule`,
    );
  }
  return ok({
    ...profile,
    cureDeadline: rule.cureDeadline ?? profile.cureDeadline,
    receiptDeadline: rule.receiptDeadline ?? profile.receiptDeadline,
  });
}
