import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importRoll } from '../../main/roll/import.js';
import { tempStore } from '../helpers/station.js';

// Random rolls mixing good rows with rows broken in one of many ways: the importer must never
// throw, must reject exactly the broken rows (each with its own row number), must import exactly
// the good ones, and an import that fails leaves the roll exactly as it was.

const HEADER = 'ballot_id,voter_id,election_id,last_name,first_name,issued_at,status';

/** One CSV cell, quoted when it must be (as any spreadsheet would write it). */
const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

type Defect = 'empty-last-name' | 'bad-date' | 'impossible-date' | 'bad-status' | 'too-few-columns' | 'empty-ballot-id' | 'control-chars-only';
const DEFECTS: Defect[] = ['empty-last-name', 'bad-date', 'impossible-date', 'bad-status', 'too-few-columns', 'empty-ballot-id', 'control-chars-only'];

const name = fc.stringMatching(/^[A-Za-zÀ-ÿ' ,"=+@-]{1,30}$/).filter((s) => s.trim() !== '');
const rowSpec = fc.record({
  defect: fc.option(fc.constantFrom(...DEFECTS), { freq: 2 }),
  last: name,
  first: name,
  day: fc.integer({ min: 1, max: 28 }),
  crlf: fc.boolean(),
});

type RowSpec = typeof rowSpec extends fc.Arbitrary<infer R> ? R : never;

function render(spec: RowSpec, i: number): string {
  const id = `H-${String(i).padStart(6, '0')}`;
  const date = `2026-09-${String(spec.day).padStart(2, '0')}`;
  const cells = [id, `V${i}`, 'E1', spec.last, spec.first, date, 'ISSUED'];
  switch (spec.defect) {
    case 'empty-last-name':
      cells[3] = '';
      break;
    case 'bad-date':
      cells[5] = '09/31/2026';
      break;
    case 'impossible-date':
      cells[5] = '2026-02-30';
      break;
    case 'bad-status':
      cells[6] = 'MAYBE';
      break;
    case 'too-few-columns':
      cells.length = 3;
      break;
    case 'empty-ballot-id':
      cells[0] = '';
      break;
    case 'control-chars-only':
      return '\u0001\u0002,\u0003';
    case null:
      break;
  }
  return cells.map(cell).join(',');
}

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.cleanup());

describe('the roll importer on hostile files', () => {
  it('rejects exactly the broken rows with their row numbers, imports exactly the good ones, never throws', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(rowSpec, { minLength: 1, maxLength: 60 }), fc.boolean(), async (specs, bom) => {
        run += 1;
        const file = path.join(t.dir, `roll-${run}.csv`);
        const lines = specs.map((s, i) => render(s, run * 1000 + i) + (s.crlf ? '\r\n' : '\n'));
        fs.writeFileSync(file, (bom ? '\uFEFF' : '') + `${HEADER}\n` + lines.join(''));
        const before = t.store.roll.stats();
        const s = await importRoll(t.store, file, { format: 'station', operator: 'sue' });
        const bad = specs.map((sp, i) => (sp.defect ? i + 2 : 0)).filter((n) => n > 0);
        expect(s.read).toBe(specs.length);
        expect(s.rejected).toBe(bad.length);
        expect(s.imported).toBe(specs.length - bad.length);
        const rejectedRows = s.rejectsFile
          ? fs
              .readFileSync(s.rejectsFile, 'utf8')
              .trim()
              .split(/\r?\n/)
              .slice(1)
              .map((l) => Number(l.split(',')[0]))
          : [];
        expect(rejectedRows).toEqual(bad);
        expect(t.store.roll.stats().ballots).toBe(before.ballots + s.imported);
        specs.forEach((sp, i) => {
          const found = t.store.roll.find({ ballotId: `H-${String(run * 1000 + i).padStart(6, '0')}` });
          expect(found.length).toBe(sp.defect ? 0 : 1);
          if (!sp.defect) expect(found[0]?.last_name).toBe(sp.last.trim()); // kept exactly, but for the edges' spaces
        });
      }),
      { numRuns: 40 },
    );
  });

  it('a file that breaks off midway (I/O error at a random row) changes nothing', async () => {
    const first = path.join(t.dir, 'first.csv');
    fs.writeFileSync(first, `${HEADER}\nKEEP-1,V1,E1,ORIG,ONE,2026-09-01,ISSUED\n`);
    await importRoll(t.store, first, { format: 'station', operator: 'sue' });
    const snapshot = JSON.stringify(t.store.roll.find({ ballotId: 'KEEP-1' }));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 300 }), async (failAt) => {
        const rows = Array.from({ length: 300 }, (_, i) => `NEW-${i},V${i + 10},E1,LAST,FIRST,2026-09-02,ISSUED\n`);
        rows.unshift('KEEP-1,V1,E1,CHANGED,ONE,2026-09-01,ISSUED\n');
        const source = Readable.from(
          (function* () {
            yield `${HEADER}\n`;
            for (let i = 0; i < rows.length; i++) {
              if (i === failAt) throw new Error('the USB stick was pulled');
              yield rows[i] ?? '';
            }
          })(),
        );
        await expect(importRoll(t.store, source, { format: 'station', operator: 'sue' })).rejects.toThrow(/USB stick/);
        expect(t.store.roll.stats().ballots).toBe(1);
        expect(JSON.stringify(t.store.roll.find({ ballotId: 'KEEP-1' }))).toBe(snapshot);
      }),
      { numRuns: 15 },
    );
  });
});
