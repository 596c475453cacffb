import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPlainWords, look, seed, signIn, STATION, supStation, type SupStation } from './supervisor.js';

// Two voters named ANA SMITH (told apart by birth year and address), one of whom mailed her
// ballot back (received in batch 1); a reissued voter with two ballots.
let s: SupStation;
let p: Page;
beforeAll(async () => {
  s = await supStation('intake-e2e-lookup-', (store, intake) => {
    seed(store, [
      { ballotId: 'LK-1001', voterId: 'V100', lastName: 'SMITH', firstName: 'ANA', dob: '1958-04-02', resAddress: '12 OAK ST', resCity: 'RALEIGH', resZip: '27601' },
      { ballotId: 'LK-1002', voterId: 'V200', lastName: 'SMITH', firstName: 'ANA', dob: '1991-09-30', resAddress: '7 ELM AVE', resCity: 'CARY', resZip: '27511' },
      { ballotId: 'LK-OLD', voterId: 'V300', lastName: 'KIM', firstName: 'DEE', issuedAt: '2026-09-01' },
      { ballotId: 'LK-NEW', voterId: 'V300', lastName: 'KIM', firstName: 'DEE', issuedAt: '2026-10-01' },
    ]);
    intake.scan({ raw: 'LK-1002', operator: 'Clara' });
  });
  p = s.p;
  await signIn(p, s.served.url);
  await p.keyboard.press('F4');
  await p.waitForSelector('h2:has-text("Find a voter")');
});
afterAll(async () => s.stop());

describe('voter lookup', () => {
  it('tells two voters of the same name apart by birth year and address, and shows which ballot came back, when and where', async () => {
    await p.fill('input[name=find-name]', 'smith, ana');
    await p.focus('input[name=find-name]');
    await p.keyboard.press('Enter');
    await p.waitForSelector('text=2 voters found.');
    const older = p.locator('section[data-voter=V100]');
    const younger = p.locator('section[data-voter=V200]');
    expect(await older.textContent()).toContain('born 1958');
    expect(await older.textContent()).toContain('12 OAK ST, RALEIGH, 27601');
    expect(await older.textContent()).toContain('Not received at this office yet.');
    expect(await younger.textContent()).toContain('born 1991');
    expect(await younger.textContent()).toContain('7 ELM AVE, CARY, 27511');
    const received = await younger.locator('[data-testid=received]').textContent();
    expect(received).toMatch(new RegExp(`^Received today \\d{1,2}:\\d{2} [AP]M at ${STATION}, batch 1, scanned by Clara\\.$`));
    await expectPlainWords(p);
    await look(p, 'lookup-01-namesakes');
  });

  it('finds a voter by ballot ID, with every ballot of a reissue', async () => {
    await p.fill('input[name=find-name]', '');
    await p.fill('input[name=find-ballotId]', 'LK-NEW');
    await p.keyboard.press('Enter');
    await p.waitForSelector('text=1 voter found.');
    expect(await p.locator('section[data-voter=V300] [data-ballot]').count()).toBe(2);
    expect(await p.textContent('section[data-voter=V300]')).toContain('issued Oct 1, 2026');
  });

  it('takes a birth date as typed (MM/DD/YYYY) and says a wrong one in words', async () => {
    await p.fill('input[name=find-ballotId]', '');
    await p.fill('input[name=find-dob]', '4/2/1958');
    await p.keyboard.press('Enter');
    await p.waitForSelector('section[data-voter=V100]');
    expect(await p.locator('section[data-voter]').count()).toBe(1);
    await p.fill('input[name=find-dob]', '13/45/1958');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid=lookup-problem] >> text=Date of birth: that date does not exist');
    await look(p, 'lookup-02-bad-date');
  });

  it('logged no console or page error', () => expect(s.errors).toEqual([]));
});
