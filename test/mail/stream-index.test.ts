import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { v10Mail } from '../../main/store/migrations/v10-mail.js';
import { v13MailPlaces } from '../../main/store/migrations/v13-mail-places.js';
import { v14MailPiece } from '../../main/store/migrations/v14-mail-piece.js';
import { STREAM_SQL } from '../../main/mail/stream.js';

// The mail-stream chart's query (main/mail/stream.ts): at a county's ~10 million scans it reads
// the event rows once, in table order (migration 14 dropped the day index: a first import built it
// in 8 s, and it made the chart only 10-15% faster), and each place by its number from the few it ranks.
describe('mail stream query (migrations 10, 13 and 14)', () => {
  it('reads the event rows once in table order, never by an index (a walk of the ballot or piece index would read each row at random), and each place by its number', () => {
    const db = new Database(':memory:');
    db.exec(v10Mail);
    db.exec(v13MailPlaces);
    db.exec(v14MailPiece);
    expect(db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'mail_events_day'").get()).toBeUndefined();
    // With the statistics of a county's load too (10 million events, a few hundred places): the same plan.
    for (const stats of [false, true]) {
      if (stats) {
        db.exec('ANALYZE');
        db.exec(`DELETE FROM sqlite_stat1;
          INSERT INTO sqlite_stat1 VALUES ('mail_event_rows', NULL, '10000000'), ('mail_event_rows', 'mail_events_piece', '10000000 10 10 1'),
            ('mail_event_rows', 'mail_events_ballot', '9900000 10'),
            ('mail_places', NULL, '400'), ('mail_places', 'mail_places_values', '400 200 100 50 50 50 50 40 10 5 5 5 5 1');
          ANALYZE sqlite_schema`);
      }
      const plan = db.prepare<[string, string], { detail: string }>(`EXPLAIN QUERY PLAN ${STREAM_SQL}`).all('2026-10-01', '2026-11-09T99');
      const details = plan.map((p) => p.detail).join('\n');
      expect(details).toMatch(/^SCAN e$/m);
      expect(details).not.toMatch(/(SEARCH|SCAN) e USING/);
      expect(details).toMatch(/SEARCH p USING AUTOMATIC COVERING INDEX \(place=\?\)/);
    }
    db.close();
  });
});
