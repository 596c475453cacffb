import { describe, expect, it } from 'vitest';
import { noticeFor } from '../../test/cure/fixtures.js';
import { formatDeadline, formatNoticeDate, noticeContent, noticeText } from './notice-text.js';

describe('formatDeadline', () => {
  it('speaks the office clock in each language, with plain spaces', () => {
    // 2024-11-14T22:00Z is 5 p.m. EST in Raleigh and 3 p.m. MST in Phoenix.
    expect(formatDeadline('2024-11-14T22:00:00.000Z', 'America/New_York', 'en')).toBe(
      'Thursday, November 14, 2024 at 5:00 PM EST',
    );
    expect(formatDeadline('2024-11-14T22:00:00.000Z', 'America/New_York', 'es')).toBe(
      'jueves, 14 de noviembre de 2024, a las 5:00 p.m. EST',
    );
    expect(formatDeadline('2024-11-14T22:00:00.000Z', 'America/Phoenix', 'en')).toBe(
      'Thursday, November 14, 2024 at 3:00 PM MST',
    );
    // A deadline at 00:00Z is still the previous evening on the office clock.
    expect(formatDeadline('2024-11-11T00:00:00.000Z', 'America/Phoenix', 'en')).toBe(
      'Sunday, November 10, 2024 at 5:00 PM MST',
    );
    expect(formatNoticeDate('2024-11-06', 'es')).toBe('6 de noviembre de 2024');
  });
});

describe('noticeText', () => {
  it('says what is wrong, how to cure it, by when, and whom to call (English)', () => {
    const { subject, body } = noticeText(
      noticeFor('NC', { cureCodes: ['NO_VOTER_SIGNATURE', 'WITNESS_INFO_INCOMPLETE'] }),
    );
    expect(subject).toBe(
      'Action needed: your mail ballot for the 2024 General Election cannot be counted yet',
    );
    expect(body).toContain('Dear María José Núñez,');
    expect(body).toContain('ballot ID B-000123');
    expect(body).toContain('1. Your signature is missing from the return envelope.');
    expect(body).toContain("2. Your witness's printed name or address is missing or incomplete.");
    expect(body).toContain('What to do: Sign the enclosed cure certification');
    expect(body).toContain('the problems below must be corrected');
    expect(body).toContain('by Thursday, November 14, 2024 at 5:00 PM EST.');
    expect(body).toContain('Call 919-555-0100 or write to elections@example.org.');
    expect(body).toContain('https://example.org/cure');
  });

  it('writes careful Spanish', () => {
    const { subject, body } = noticeText(noticeFor('NC', { language: 'es', cureCodes: ['ID_REQUIRED'] }));
    expect(subject).toBe(
      'Acción necesaria: su boleta por correo para la elección 2024 General Election todavía no puede contarse',
    );
    expect(body).toContain('Estimado(a) María José Núñez:');
    expect(body).toContain('número de boleta B-000123');
    expect(body).toContain('se debe corregir el problema que se indica a continuación');
    expect(body).toContain('Necesitamos una copia de su identificación');
    expect(body).toContain(
      'Qué debe hacer: Traiga o envíe una copia de una identificación con foto aceptable',
    );
    expect(body).toContain('a más tardar el jueves, 14 de noviembre de 2024, a las 5:00 p.m. EST.');
    expect(body).toContain('¿Tiene preguntas? Llame al 919-555-0100');
    expect(body).toContain('Si no la recibimos para entonces, su boleta no se contará.');
  });

  it('uses the earliest code deadline it was given, in the profile time zone', () => {
    const n = noticeFor('AZ', { cureCodes: ['NO_VOTER_SIGNATURE'] });
    expect(noticeText(n).body).toContain('by Tuesday, November 5, 2024 at 7:00 PM MST.');
  });

  it('asks the voter to call when nothing can be cured by mail, and then sends no affidavit', () => {
    const c = noticeContent(noticeFor('CO', { cureCodes: ['NO_BALLOT_IN_ENVELOPE'] }));
    expect(c.deadlineLine).toBe('Please contact our office by Wednesday, November 13, 2024 at 11:59 PM MST.');
    expect(c.affidavit).toBeNull();
    const signed = noticeContent(noticeFor('CO', { cureCodes: ['SIGNATURE_MISMATCH'] }));
    expect(signed.affidavit?.idNote).toBe('Attach a copy of an acceptable form of identification.');
  });

  it('refuses codes the profile does not list, and an empty list, as bugs', () => {
    expect(() => noticeText(noticeFor('CO', { cureCodes: ['NO_WITNESS_SIGNATURE'] }))).toThrow(
      /NO_WITNESS_SIGNATURE does not apply under the Colorado profile/,
    );
    expect(() => noticeText(noticeFor('CO', { cureCodes: [] }))).toThrow(/at least one cure code/);
  });
});
