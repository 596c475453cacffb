import type { Db } from './db.js';
import { dayReport, type DayReport, type DayReportInput } from './report-queries.js';

export interface ReportSummary {
  perHour: { hour: string; count: number }[];
  verdicts: Record<string, number>;
  perClerk: { operator: string; scans: number; accepted: number; firstAt: string; lastAt: string; perHour: number }[];
  cureCodes: Record<string, number>;
}

/** Supervisor reports: receipts per hour, verdict mix, per-clerk throughput. */
function reportSummary(db: Db, since: string | null, cureCounts: () => Record<string, number>): ReportSummary {
  const from = since ?? '';
  const perHour = db
    .prepare<[string], { hour: string; count: number }>(
      `SELECT substr(scanned_at, 1, 13) || ':00' AS hour, count(*) AS count FROM scans s
       WHERE scanned_at >= ? AND EXISTS (SELECT 1 FROM receipts r WHERE r.scan_seq = s.seq) GROUP BY 1 ORDER BY 1`,
    )
    .all(from);
  const verdicts: Record<string, number> = {};
  for (const r of db.prepare<[string], { verdict: string; n: number }>('SELECT verdict, count(*) AS n FROM scans WHERE scanned_at >= ? GROUP BY verdict').all(from))
    verdicts[r.verdict] = r.n;
  const perClerk = db
    .prepare<[string], { operator: string; scans: number; accepted: number; firstAt: string; lastAt: string }>(
      `SELECT operator, count(*) AS scans, sum(verdict = 'ACCEPTED') AS accepted, min(scanned_at) AS firstAt, max(scanned_at) AS lastAt
       FROM scans WHERE scanned_at >= ? GROUP BY operator ORDER BY scans DESC`,
    )
    .all(from)
    .map((r) => {
      const hours = Math.max((Date.parse(r.lastAt) - Date.parse(r.firstAt)) / 3_600_000, 1 / 60);
      return { ...r, perHour: Math.round(r.scans / hours) };
    });
  return { perHour, verdicts, perClerk, cureCodes: cureCounts() };
}

export class ReportStore {
  constructor(private readonly db: Db) {}

  /** Since an instant (null: all time); the cure codes' counts come from the cure store. */
  summary(since: string | null, cureCounts: () => Record<string, number>): ReportSummary {
    return reportSummary(this.db, since, cureCounts);
  }

  /** The day's report (receipts per hour by station and clerk, cures, problems, trays left). */
  day(input: DayReportInput, now: string): DayReport {
    return dayReport(this.db, input, now);
  }
}
