import type { Db } from './db.js';

/**
 * The supervisor's day report: what came in, per hour, station and clerk; where the cure cases
 * stand; problems over the day; trays not yet counted or not yet at the state. Times are bucketed
 * on the operator's wall clock: the caller gives the UTC offset of its own local time.
 */
export interface DayReportInput {
  /** The day's window, ISO instants, [from, to). */
  from: string;
  to: string;
  /** Minutes east of UTC of the local clock the hours are read on (e.g. -300 for EST). */
  utcOffsetMinutes: number;
}

export interface DayReport {
  receiptsPerHour: { hour: string; station: string; operator: string; count: number }[];
  problemsPerHour: { hour: string; verdict: string; count: number }[];
  curePipeline: { state: string; deadlineDay: string | null; count: number; overdue: number }[];
  openBatches: { batchId: string; number: number; station: string; status: string; closedAt: string | null; scanned: number; handCount: number | null; sync: string | null }[];
  totals: { receipts: number; problems: number; scans: number; openCureCases: number };
}

const modifier = (minutes: number) => `${minutes >= 0 ? '+' : '-'}${Math.abs(Math.trunc(minutes))} minutes`;

export function dayReport(db: Db, input: DayReportInput, now: string): DayReport {
  const mod = modifier(input.utcOffsetMinutes);
  const window = [input.from, input.to] as const;
  const receiptsPerHour = db
    .prepare<[string, string, string], DayReport['receiptsPerHour'][number]>(
      `SELECT strftime('%H:00', s.scanned_at, ?) AS hour, s.station, s.operator, count(*) AS count
       FROM scans s JOIN receipts r ON r.scan_seq = s.seq
       WHERE s.scanned_at >= ? AND s.scanned_at < ? GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    )
    .all(mod, ...window);
  const problemsPerHour = db
    .prepare<[string, string, string], DayReport['problemsPerHour'][number]>(
      `SELECT strftime('%H:00', scanned_at, ?) AS hour, verdict, count(*) AS count FROM scans
       WHERE scanned_at >= ? AND scanned_at < ? AND verdict <> 'ACCEPTED' GROUP BY 1, 2 ORDER BY 1, 2`,
    )
    .all(mod, ...window);
  // Every case still open, and those closed today, by state and the local day of their deadline.
  const curePipeline = db
    .prepare<[string, string, string, string], DayReport['curePipeline'][number]>(
      `SELECT state, CASE WHEN deadline IS NULL THEN NULL ELSE date(deadline, ?) END AS deadlineDay, count(*) AS count,
         sum(deadline IS NOT NULL AND deadline < ? AND state NOT IN ('ACCEPTED', 'REJECTED')) AS overdue
       FROM cure_cases WHERE state NOT IN ('ACCEPTED', 'REJECTED') OR (updated_at >= ? AND updated_at < ?)
       GROUP BY 1, 2 ORDER BY 2, 1`,
    )
    .all(mod, now, ...window);
  const openBatches = db
    .prepare<[], { batchId: string; number: number; station: string; status: string; closedAt: string | null; scanned: number | null; handCount: number | null; sync: string | null; live: number }>(
      `SELECT b.batch_id AS batchId, b.number, b.station, b.status, b.closed_at AS closedAt, b.scanned_count AS scanned, b.hand_count AS handCount,
         CASE WHEN f.batch_id IS NOT NULL AND o.status IN ('pending', 'sending') THEN 'written' ELSE o.status END AS sync,
         (SELECT count(*) FROM scans s JOIN receipts r ON r.scan_seq = s.seq WHERE s.batch_id = b.batch_id) AS live
       FROM batches b LEFT JOIN sync_outbox o ON o.batch_id = b.batch_id LEFT JOIN sync_files f ON f.batch_id = b.batch_id
       WHERE b.status = 'OPEN' OR b.hand_count IS NULL OR o.status IS NULL OR o.status <> 'acknowledged'
       ORDER BY b.station, b.number`,
    )
    .all()
    .map(({ live, scanned, ...b }) => ({ ...b, scanned: scanned ?? live }));
  const count = (sql: string, ...args: string[]) => (db.prepare(sql).get(...args) as { n: number | null }).n ?? 0;
  const totals = {
    scans: count('SELECT count(*) AS n FROM scans WHERE scanned_at >= ? AND scanned_at < ?', ...window),
    receipts: receiptsPerHour.reduce((n, r) => n + r.count, 0),
    problems: problemsPerHour.reduce((n, r) => n + r.count, 0),
    openCureCases: count("SELECT count(*) AS n FROM cure_cases WHERE state NOT IN ('ACCEPTED', 'REJECTED')"),
  };
  return { receiptsPerHour, problemsPerHour, curePipeline, openBatches, totals };
}
