import { z } from 'zod';
import { CURE_CODES, VERDICTS, type CureCode, type CureState, type Verdict } from '../../shared/domain.js';
import type { Db } from './db.js';

export interface QueueFilter {
  kind?: 'problem' | 'cure';
  verdict?: Verdict;
  cureCode?: CureCode;
  state?: CureState;
  /** Only items older than this instant. */
  olderThan?: string;
  /** Only cure cases due before this instant. */
  dueBefore?: string;
  offset: number;
  limit: number;
}

export interface QueueItem {
  kind: 'problem' | 'cure';
  /** scan seq for a problem, case id for a cure case. */
  id: number;
  ballotId: string | null;
  voterName: string | null;
  precinct: string | null;
  verdict: Verdict | null;
  state: string;
  codes: CureCode[];
  at: string;
  deadline: string | null;
  raw: string | null;
}

function instant(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`not an instant: ${value}`);
  return new Date(ms).toISOString();
}

/** Every verdict but ACCEPTED, as an SQL list, from the one list in shared/domain.ts. */
const PROBLEM_VERDICTS = `(${VERDICTS.filter((v) => v !== 'ACCEPTED')
  .map((v) => `'${v}'`)
  .join(',')})`;

/** This station's scans in a county conflict not yet resolved (migration 9; pulled from the hub). */
const COUNTY_CONFLICT_SCANS = 'SELECT c.local_scan_seq FROM county_conflicts c WHERE c.local_scan_seq IS NOT NULL AND c.resolved_at IS NULL';

const codesSchema = z.array(z.enum(CURE_CODES));

/** A case's codes as stored (JSON); a value that no longer reads as codes shows as none. */
export function parseCodes(text: string): CureCode[] {
  try {
    const parsed = codesSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** The review queue over scans and cure cases, read-only. */
export class ReviewQueue {
  constructor(private readonly db: Db) {}

  /**
   * The supervisor's queue: unresolved problem scans (not undone) and open cure cases, oldest
   * first, filtered and paged in SQL so 100,000 items never cross the wire at once.
   */
  page(f: QueueFilter): { total: number; items: QueueItem[] } {
    // A receipt of this station that the county hub found received at another station too
    // (both accepted while apart) is a problem here as well: state COUNTY_CONFLICT.
    const problems = `SELECT 'problem' AS kind, s.seq AS id, s.ballot_id AS ballotId, s.verdict AS verdict,
        CASE WHEN s.verdict = 'ACCEPTED' THEN 'COUNTY_CONFLICT' ELSE s.verdict END AS state,
        '[]' AS codes, s.scanned_at AS at, NULL AS deadline, s.raw AS raw
      FROM scans s WHERE (s.verdict IN ${PROBLEM_VERDICTS} OR s.seq IN (${COUNTY_CONFLICT_SCANS}))
        AND NOT EXISTS (SELECT 1 FROM problem_resolutions p WHERE p.scan_seq = s.seq)
        AND NOT EXISTS (SELECT 1 FROM scan_undos u WHERE u.scan_seq = s.seq)`;
    const cures = `SELECT 'cure' AS kind, c.case_id AS id, c.ballot_id AS ballotId, NULL AS verdict, c.state AS state,
        c.codes AS codes, c.opened_at AS at, c.deadline AS deadline, NULL AS raw
      FROM cure_cases c WHERE c.state NOT IN ('ACCEPTED','REJECTED')`;
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (clause: string, value: string | undefined) => {
      if (value === undefined || value === '') return;
      where.push(clause);
      args.push(value);
    };
    add('q.kind = ?', f.kind);
    add('q.verdict = ?', f.verdict);
    add('q.state = ?', f.state);
    add('EXISTS (SELECT 1 FROM json_each(q.codes) j WHERE j.value = ?)', f.cureCode);
    // Stored instants are toISOString() text: compare like with like ("…:00Z" sorts after "…:00.000Z").
    add('q.at < ?', instant(f.olderThan));
    add('q.deadline IS NOT NULL AND q.deadline < ?', instant(f.dueBefore));
    const from = `FROM (${problems} UNION ALL ${cures}) q`;
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (
      this.db
        .prepare<(string | number)[], { n: number }>(`SELECT count(*) AS n ${from} ${whereSql}`)
        .get(...args) ?? { n: 0 }
    ).n;
    const rows = this.db
      .prepare<(string | number)[], Omit<QueueItem, 'codes'> & { codes: string }>(
        `SELECT q.*, CASE WHEN b.ballot_id IS NULL THEN NULL ELSE b.first_name || ' ' || b.last_name END AS voterName, b.precinct
         ${from} LEFT JOIN ballots b ON b.ballot_id = q.ballotId ${whereSql} ORDER BY q.at, q.kind, q.id LIMIT ? OFFSET ?`,
      )
      .all(...args, f.limit, f.offset);
    return { total, items: rows.map((r) => ({ ...r, codes: parseCodes(r.codes) })) };
  }
}
