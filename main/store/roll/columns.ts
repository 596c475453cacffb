/** The roll table's columns and secondary indexes, as the staging, first-load and packed-row code share them. */
export const COLUMNS = [
  'ballot_id', 'election_id', 'voter_id', 'alt_voter_id', 'imb_mailer_id', 'imb_serial', 'last_name', 'first_name',
  'middle_name', 'suffix', 'dob', 'res_address', 'res_city', 'res_zip', 'mail_address', 'mail_city', 'mail_state',
  'mail_zip', 'precinct', 'ballot_style', 'jurisdiction', 'issued_at', 'status', 'vote_method', 'voted_other_method',
  'state_returned_at', 'source_status', 'cancelled_at',
] as const;
/** Columns a re-import may change (everything but the key). */
export const DATA_COLUMNS = COLUMNS.filter((c) => c !== 'ballot_id');
/** The roll's secondary indexes (migration v1): what each covers, by name. */
const SECONDARY_INDEXES = {
  ballots_voter: { on: '(voter_id, election_id)', key: ['voter_id', 'election_id'], nocase: false, partial: false },
  ballots_alt_voter: { on: '(alt_voter_id) WHERE alt_voter_id IS NOT NULL', key: ['alt_voter_id'], nocase: false, partial: true },
  ballots_imb: { on: '(imb_serial, imb_mailer_id) WHERE imb_serial IS NOT NULL', key: ['imb_serial', 'imb_mailer_id'], nocase: false, partial: true },
  ballots_name: { on: '(last_name COLLATE NOCASE, first_name COLLATE NOCASE)', key: ['last_name', 'first_name'], nocase: true, partial: false },
} as const;
export type IndexName = keyof typeof SECONDARY_INDEXES;
export const INDEX_NAMES = Object.keys(SECONDARY_INDEXES) as IndexName[];
export const createIndex = (name: IndexName, table: string) => `CREATE INDEX IF NOT EXISTS ${name} ON ${table}${SECONDARY_INDEXES[name].on}`;

/** The secondary indexes' keys as chunk column positions, in INDEX_NAMES order (for roll/chunk.ts's KeyOrder). */
export const INDEX_KEYS = INDEX_NAMES.map((name) => {
  const ix = SECONDARY_INDEXES[name];
  return { columns: ix.key.map((c) => COLUMNS.indexOf(c)), nocase: ix.nocase, partial: ix.partial };
});
