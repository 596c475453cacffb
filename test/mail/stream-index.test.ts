import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { v10Mail } from '../../main/store/migrations/v10-mail.js';
import { v13MailPlaces } from '../../main/store/migrations/v13-mail-places.js';
import { STREAM_SQL } from '../../main/mail/stream.js';

// The mail-stream chart's query (main/mail/stream.ts): at a county's ~10 million scans it must
// read a range of the day index in scanned_at order, never the whole table, and each place by its
// number from the few it ranks.
describe('mail stream index (migrations 10 and 13)', () => {
  it('answers the mail-stream query from a range of the covering scanned_at index and each place by its number, never a scan of the event rows', () => {
    const db = new Database(':memory:');
    db.exec(v10Mail);
    db.exec(v13MailPlaces);
    // With the statistics of a county's load too (10 million events, a few hundred places): the same plan.
    for (const stats of [false, true]) {
      if (stats) {
        db.exec('ANALYZE');
        db.exec(`DELETE FROM sqlite_stat1;
          INSERT INTO sqlite_stat1 VALUES ('mail_event_rows', NULL, '10000000'), ('mail_event_rows', 'mail_events_piece', '10000000 10 10 1'),
            ('mail_event_rows', 'mail_events_ballot', '9900000 10'), ('mail_event_rows', 'mail_events_day', '9900000 5 2 1'),
            ('mail_places', NULL, '400'), ('mail_places', 'mail_places_values', '400 200 100 50 50 50 50 40 10 5 5 5 5 1');
          ANALYZE sqlite_schema`);
      }
      const plan = db.prepare<[string, string], { detail: string }>(`EXPLAIN QUERY PLAN ${STREAM_SQL}`).all('2026-10-01', '2026-11-09T99');
      const details = plan.map((p) => p.detail).join('\n');
      expect(details).toMatch(/SEARCH e USING COVERING INDEX mail_events_day \(scanned_at>\? AND scanned_at<\?\)/);
      expect(details).toMatch(/SEARCH p USING AUTOMATIC COVERING INDEX \(place=\?\)/);
      // Only the few places, the day's groups and the counts are scanned: never the event rows.
      expect(details).not.toMatch(/SCAN (e|mail_event_rows)\b/);
    }
    db.close();
  });
});
