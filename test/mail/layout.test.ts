import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mailEventSchema } from '../../shared/mail/event.js';
import { toMailEvent, type RawRecord } from '../../main/mail/layout.js';
import { readJson } from '../../main/mail/read-json.js';
import { readLines } from '../../main/mail/read-lines.js';
import { imb, json } from './files.js';

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const anyText = fc.string({ maxLength: 120 });

describe('toMailEvent (the hot path without zod)', () => {
  it('every record it accepts satisfies the MailEvent schema (fast-check)', () => {
    const record = fc.record({
      imb: fc.oneof(fc.tuple(digits(2), digits(18), fc.constantFrom('', '27601', '276019999', '27601999901')).map(([a, b, z]) => a + b + z), anyText),
      scanDateTime: fc.oneof(fc.constantFrom('2026-10-01 08:00:00', '2026-10-01T08:00:00-05:00', '10/1/2026 8:05', '2026-13-01 00:00:00'), anyText),
      eventCode: anyText,
      operationCode: anyText,
      handling: fc.oneof(fc.constantFrom('A', 'L', 'actual', 'assumed', 'Z'), anyText),
      mailPhase: anyText,
      machineName: anyText,
      facilityName: anyText,
      facilityCity: anyText,
      facilityState: fc.oneof(fc.constantFrom('NC', 'nc', ''), anyText),
      facilityZip: fc.oneof(fc.constantFrom('27676', '27676-1234', '276761234', ''), anyText),
    });
    fc.assert(
      fc.property(record, (r: RawRecord) => {
        const e = toMailEvent(r);
        if (e.ok) expect(mailEventSchema.safeParse(e.value).success).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

function chunked(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

describe('readers across chunk boundaries', () => {
  it('JSON records split across many small chunks come out whole, with their line numbers', async () => {
    const text = json(Array.from({ length: 20 }, (_, i) => ({ imb: imb('700', '123456', String(i).padStart(9, '0')), at: '2026-10-01 08:00:00' })));
    for (const size of [1, 7, 64, 4096]) {
      const got = [];
      for await (const b of readJson(Readable.from(chunked(text, size)))) got.push(...b);
      expect(got).toHaveLength(20);
      expect(got.every((p) => 'record' in p)).toBe(true);
      expect(got[1]?.lineNo).toBe(18);
    }
  });

  it('a line split across chunks, CRLF endings, and a last line without a newline', async () => {
    const lines = [];
    for await (const b of readLines(Readable.from(chunked('a|b\r\ncc|dd\nlast', 3)))) lines.push(...b);
    expect(lines).toEqual([{ lineNo: 1, text: 'a|b' }, { lineNo: 2, text: 'cc|dd' }, { lineNo: 3, text: 'last' }]);
  });

  it('a JSON string holding braces and escaped quotes does not end a record early', async () => {
    const text = `{"events":[{"imb":"${imb('700', '123456', '000000001')}","scan_date_time":"2026-10-01 08:00:00","mail_phase":"a } \\" ] {"}]}`;
    const got = [];
    for await (const b of readJson(Readable.from(chunked(text, 5)))) got.push(...b);
    expect(got).toMatchObject([{ lineNo: 1, record: { mailPhase: 'a } " ] {' } }]);
  });
});
