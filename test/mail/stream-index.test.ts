import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { v10Mail } from '../../main/store/migrations/v10-mail.js';

// The mail-stream chart's query, as main/mail/stream.ts sends it: at a county's ~10 million scans
// it must read a range of an index in scanned_at order, never the whole table.
const STREAM = `SELECT substr(scanned_at, 1, 10) AS day, direction, mail_phase, count(DISTINCT ballot_id) AS n FROM mail_events
       WHERE ballot_id IS NOT NULL AND scanned_at >= ? AND scanned_at < ?
       GROUP BY 1, 2, 3`;

describe('mail stream index (migration 10)', () => {
  it('answers the mail-stream query from a range of the covering scanned_at index, not a table scan', () => {
    const db = new Database(':memory:');
    db.exec(v10Mail);
    const plan = db.prepare<[string, string], { detail: string }>(`EXPLAIN QUERY PLAN ${STREAM}`).all('2026-10-01', '2026-11-09T99');
    const details = plan.map((p) => p.detail).join('\n');
    expect(details).toMatch(/SEARCH mail_events USING COVERING INDEX mail_events_day \(scanned_at>\? AND scanned_at<\?\)/);
    expect(details).not.toMatch(/SCAN mail_events/);
    db.close();
  });
});
