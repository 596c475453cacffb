import type { Db } from '../db.js';

/** The station roll layout's columns (README "Roll formats"), in the order a published row carries them. */
export const PUBLISH_COLUMNS = [
  'ballot_id', 'election_id', 'voter_id', 'alt_voter_id', 'imb_mailer_id', 'imb_serial', 'last_name', 'first_name', 'middle_name', 'suffix',
  'dob', 'res_address', 'res_city', 'res_zip', 'mail_address', 'mail_city', 'mail_state', 'mail_zip', 'precinct', 'ballot_style',
  'jurisdiction', 'issued_at', 'status', 'vote_method', 'voted_other_method', 'state_returned_at', 'cancelled_at',
] as const;

export type PublishRow = Record<(typeof PUBLISH_COLUMNS)[number], string | null>;

/** Every ballot of the roll as the station layout writes it (voted_other_method Y/N), in roll order, streamed. */
export function* ballotsForPublish(db: Db): Generator<PublishRow> {
  const cols = PUBLISH_COLUMNS.map((c) => (c === 'voted_other_method' ? "CASE voted_other_method WHEN 1 THEN 'Y' ELSE 'N' END AS voted_other_method" : c)).join(', ');
  yield* db.prepare<[], PublishRow>(`SELECT ${cols} FROM ballots ORDER BY id`).iterate();
}
