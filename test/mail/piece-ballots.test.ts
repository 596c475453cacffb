import { afterEach, describe, expect, it } from 'vitest';
import { PieceBallots, pieceBallots, pieceOf } from '../../main/store/mail-ballots.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';

// The roll's IMbs as the mail import's packers look each event's ballot up (main/store/mail-ballots.ts).

let t: ReturnType<typeof tempStore> | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

describe('the roll\u2019s IMbs for the mail import', () => {
  it('finds each ballot by mailer ID + serial (6- and 9-digit mailer IDs), the newest where two ballots share an IMb, and leaves out IMbs that are not 15 digits', () => {
    t = tempStore();
    seedRoll(t.store, [
      rollRow({ ballotId: 'B-1', voterId: 'V1', imbMailerId: '123456', imbSerial: '000000001' }),
      rollRow({ ballotId: 'B-2', voterId: 'V2', imbMailerId: '912345678', imbSerial: '000002' }),
      rollRow({ ballotId: 'B-old', voterId: 'V3', imbMailerId: '123456', imbSerial: '000000003' }),
      rollRow({ ballotId: 'B-new', voterId: 'V3', imbMailerId: '123456', imbSerial: '000000003' }),
      rollRow({ ballotId: 'B-short', voterId: 'V4', imbMailerId: '123456', imbSerial: '00004' }),
      rollRow({ ballotId: 'B-9-6', voterId: 'V5', imbMailerId: '923456', imbSerial: '000000005' }),
      rollRow({ ballotId: 'B-letters', voterId: 'V6', imbMailerId: '12345X', imbSerial: '000000006' }),
      rollRow({ ballotId: 'B-none', voterId: 'V7', imbMailerId: null, imbSerial: null }),
      rollRow({ ballotId: 'B-\u00e9t\u00e9', voterId: 'V8', imbMailerId: '123456', imbSerial: '000000008' }),
      rollRow({ ballotId: 'B-long', voterId: 'V9', imbMailerId: '1234567890', imbSerial: '12345' }),
      rollRow({ ballotId: 'B-9-digits', voterId: 'V10', imbMailerId: '9234567', imbSerial: '00000010' }),
      rollRow({ ballotId: 'B-after', voterId: 'V11', imbMailerId: '123456', imbSerial: '000000011' }),
    ]);
    const b = pieceBallots(t.store.db);
    // Six IMbs of 15 digits (B-old's and B-new's the same), and that shared piece again, its newest ballot last.
    expect(b.size).toBe(7);
    expect(b.ballotOf(pieceOf('123456', '000000001'))).toBe('B-1');
    expect(b.ballotOf(pieceOf('912345678', '000002'))).toBe('B-2');
    // The newest is the higher row (the roll's staging orders a load by ballot ID: here B-old's is the higher).
    const rows = t.store.db.prepare<[], string>("SELECT ballot_id FROM ballots WHERE imb_serial = '000000003' ORDER BY id").pluck().all();
    expect(rows).toHaveLength(2);
    expect(b.ballotOf(pieceOf('123456', '000000003'))).toBe(rows[1]);
    expect(b.ballotOf(pieceOf('123456', '000000008'))).toBe('B-\u00e9t\u00e9');
    expect(b.ballotOf(pieceOf('123456', '000000004'))).toBeNull();
    expect(b.ballotOf(pieceOf('923456', '000000005'))).toBeNull();
    expect(b.ballotOf(pieceOf('123456', '000000009'))).toBeNull();
    // A ballot after IMbs left out keeps its own ID (the IDs after one left out move up).
    expect(b.ballotOf(pieceOf('123456', '000000011'))).toBe('B-after');
    expect(b.ballotOf(1234567890_12345)).toBeNull();
  });

  it('a roll whose IMb columns hold a character beyond the BMP (an emoji: one character to SQLite, two to JavaScript) is read row by row, with the same answers', () => {
    t = tempStore();
    seedRoll(t.store, [
      rollRow({ ballotId: 'B-1', voterId: 'V1', imbMailerId: '123456', imbSerial: '000000001' }),
      rollRow({ ballotId: 'B-emoji', voterId: 'V2', imbMailerId: '12345\u{1F600}', imbSerial: '000000002' }),
      rollRow({ ballotId: 'B-\u{1F600}', voterId: 'V3', imbMailerId: '912345678', imbSerial: '000003' }),
    ]);
    const b = pieceBallots(t.store.db);
    // No IMb shared: nothing given twice.
    expect(b.size).toBe(2);
    expect(b.ballotOf(pieceOf('123456', '000000001'))).toBe('B-1');
    expect(b.ballotOf(pieceOf('912345678', '000003'))).toBe('B-\u{1F600}');
  });

  it('pieceOf refuses what is not an IMb\u2019s mailer ID + serial (NaN finds nothing)', () => {
    expect(pieceOf('123456', '000000001')).toBe(123456000000001);
    expect(pieceOf('912345678', '000001')).toBe(912345678000001);
    for (const [m, s] of [['912345', '000000001'], ['123456', '00000001'], ['12345a', '000000001'], ['', ''], ['123456789', '000000001']]) expect(pieceOf(m as string, s as string)).toBeNaN();
    expect(PieceBallots.empty().ballotOf(NaN)).toBeNull();
    expect(PieceBallots.empty().find(123456000000001)).toBe(-1);
  });

  it('holds 200,000 pieces spread over the whole 15-digit range, 9-digit mailer IDs among them: every one found, its neighbours not', () => {
    const n = 200_000;
    const pieces: number[] = [];
    for (let i = 0; i < n; i++) pieces.push(i % 2 === 0 ? 123456_000_000_000 + i * 4999 : 912_345_678_000_000 + i * 3);
    pieces.sort((a, b) => a - b);
    const ids = pieces.map((p) => `B${p}`);
    const enc = new TextEncoder();
    const starts = [0];
    for (const id of ids) starts.push((starts.at(-1) as number) + id.length);
    const bytes = new Uint8Array(starts.at(-1) as number);
    ids.forEach((id, i) => enc.encodeInto(id, bytes.subarray(starts[i])));
    const b = new PieceBallots({ pieces: Float64Array.from(pieces), starts: Uint32Array.from(starts), bytes });
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      const p = pieces[i] as number;
      if (b.ballotOf(p) !== `B${p}`) wrong += 1;
      if (b.find(p + 1) !== -1 && pieces[i + 1] !== p + 1) wrong += 1;
    }
    expect(wrong).toBe(0);
  });

  it('refuses arrays out of shape (a message from a reader thread gone wrong) rather than answer wrongly', () => {
    expect(() => new PieceBallots({ pieces: new Float64Array(2), starts: new Uint32Array(2), bytes: new Uint8Array(0) })).toThrow(/out of shape/);
    expect(() => new PieceBallots({ pieces: new Float64Array(1), starts: Uint32Array.from([0, 5]), bytes: new Uint8Array(4) })).toThrow(/out of shape/);
  });
});
