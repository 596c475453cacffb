import type { Db } from '../db.js';
import type { BallotRow } from './ballot-row.js';
import { COLUMNS } from './columns.js';

export type StateChangeKind = 'cancelled' | 'voted_in_person' | 'reissued';

/**
 * Applies one change from the state's feed to the roll, inside the caller's transaction, with
 * the before/after kept in ballot_changes like any re-import. Returns what it did, or why not.
 */
export function applyStateChangeWithin(
  db: Db,
  importId: number,
  change: { kind: StateChangeKind; ballotId: string; newBallotId?: string; at: string },
): 'applied' | 'unchanged' | 'unknown-ballot' {
  const b = db.prepare<[string], BallotRow>('SELECT * FROM ballots WHERE ballot_id = ?').get(change.ballotId);
  if (!b) return 'unknown-ballot';
  const record = (before: Record<string, unknown>, after: Record<string, unknown>) =>
    db.prepare('INSERT INTO ballot_changes (ballot_id, import_id, before, after) VALUES (?, ?, ?, ?)').run(change.ballotId, importId, JSON.stringify(before), JSON.stringify(after));
  switch (change.kind) {
    case 'cancelled':
      // The feed's date is kept; an earlier date already recorded is not replaced.
      if (b.status === 'CANCELLED' && b.cancelled_at !== null) return 'unchanged';
      // A ballot the roll already cancelled keeps its own status words (NC's SPOILED-EV says more).
      db.prepare(
        `UPDATE ballots SET source_status = CASE WHEN status = 'CANCELLED' THEN source_status ELSE 'STATE: CANCELLED' END, status = 'CANCELLED',
           cancelled_at = coalesce(cancelled_at, ?), updated_import_id = ? WHERE id = ?`,
      ).run(change.at, importId, b.id);
      record({ status: b.status, cancelled_at: b.cancelled_at }, { status: 'CANCELLED', cancelled_at: b.cancelled_at ?? change.at });
      return 'applied';
    case 'voted_in_person':
      if (b.voted_other_method === 1) return 'unchanged';
      db.prepare('UPDATE ballots SET voted_other_method = 1, updated_import_id = ? WHERE id = ?').run(importId, b.id);
      record({ voted_other_method: 0 }, { voted_other_method: 1 });
      return 'applied';
    case 'reissued': {
      if (!change.newBallotId) return 'unchanged';
      const exists = db.prepare('SELECT 1 FROM ballots WHERE ballot_id = ?').get(change.newBallotId);
      if (exists) return 'unchanged';
      // The new ballot carries the voter's roll data; being issued later, it supersedes the old one.
      db.prepare(
        `INSERT INTO ballots (${COLUMNS.join(', ')}, import_id, updated_import_id)
         SELECT ?, election_id, voter_id, alt_voter_id, NULL, NULL, last_name, first_name, middle_name, suffix, dob, res_address,
           res_city, res_zip, mail_address, mail_city, mail_state, mail_zip, precinct, ballot_style, jurisdiction, ?, 'ISSUED',
           vote_method, voted_other_method, NULL, 'STATE: REISSUED', NULL, ?, ? FROM ballots WHERE id = ?`,
      ).run(change.newBallotId, change.at, importId, importId, b.id);
      record({ reissued: null }, { reissued: change.newBallotId });
      return 'applied';
    }
  }
}
