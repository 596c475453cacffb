import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../csv/safe.js';
import { noticeContent } from './notice-text.js';
import type { NoticeData } from './notice-text.js';

/**
 * A mail-merge file for offices that print notices with their own templates: one row per
 * notice, the reasons and the deadline already in the notice's language. Every cell goes
 * through neutraliseCell, since a voter's name is data, not a spreadsheet formula.
 */

/** Fixed, so a merge template keeps working; a longer address folds into the last column. */
export const ADDRESS_COLUMNS = 5;

export const MAIL_MERGE_HEADER = [
  'name',
  ...Array.from({ length: ADDRESS_COLUMNS }, (_, i) => `address_${i + 1}`),
  'ballot_id',
  'codes',
  'reasons',
  'deadline',
  'deadline_iso',
  'language',
] as const;

function addressCells(lines: string[]): string[] {
  const clean = lines.map((l) => l.trim()).filter((l) => l.length > 0);
  const head = clean.slice(0, ADDRESS_COLUMNS - 1);
  const rest = clean.slice(ADDRESS_COLUMNS - 1).join(', ');
  const cells = [...head, rest];
  while (cells.length < ADDRESS_COLUMNS) cells.push('');
  return cells.slice(0, ADDRESS_COLUMNS);
}

function row(n: NoticeData): string[] {
  const c = noticeContent(n);
  return [
    n.voter.name,
    ...addressCells(n.voter.mailingLines),
    n.ballotId,
    c.problems.map((p) => p.code).join(';'),
    c.problems.map((p) => p.label).join(' '),
    c.deadline,
    n.deadline,
    n.language,
  ];
}

/** UTF-8 with a byte-order mark (so spreadsheet programs read the accents), CRLF rows (RFC 4180). */
export function mailMergeCsv(notices: NoticeData[]): string {
  const rows = [[...MAIL_MERGE_HEADER], ...notices.map(row)].map((r) =>
    r.map((cell) => neutraliseCell(cell)),
  );
  return stringify(rows, { bom: true, record_delimiter: 'windows', quoted_string: false });
}
