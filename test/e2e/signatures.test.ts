import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../main/store/store.js';
import { importSignatures } from '../../main/signatures/import.js';
import { apiFor } from '../helpers/api.js';
import { ROOT } from '../helpers/cli.js';
import { expectPlainWords, look, seed, signIn, supStation, type SupStation } from './supervisor.js';
import { BOX, envelopeBackPng, signaturePng } from './signature-pictures.js';

// Signature review driven from the keyboard by two operators: Clara (a clerk named as a
// reviewer) takes the first look, Sue (a supervisor) the second look, the envelope with nothing
// on file and a blind sample of Clara's matches. Seeded through the real paths: envelope pictures
// attached to real scans and cut by the design's box, signatures on file imported from an index.
const WITH_FILE = 10; // voters 1..10 have signatures on file; voter 11 has none
const ballot = (i: number) => `S-${String(i).padStart(4, '0')}`;
let s: SupStation;
let p: Page;
const seqOf = new Map<string, number>();

beforeAll(async () => {
  s = await supStation('intake-e2e-signatures-', async (store, intake) => {
    const names = ['ADAMS', 'BAKER', 'CHEN', 'DIAZ', 'EVANS', 'FOX', 'GARCIA', 'HILL', 'IBARRA', 'JONES', 'KHAN'];
    seed(
      store,
      names.map((lastName, i) => ({ ballotId: ballot(i + 1), voterId: `V${i + 1}`, lastName, firstName: 'PAT' })),
    );
    const api = apiFor(store);
    const sue = api.as('Sue', 'supervisor');
    const must = <T,>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    must(await api.call(sue, 'images.templates.save', { design: '2026 return envelope', rect: BOX }));
    for (let i = 1; i <= names.length; i += 1) {
      const o = intake.scan({ raw: ballot(i), operator: 'Clara' });
      seqOf.set(ballot(i), o.seq);
      must(await api.call(sue, 'images.attach', { seq: o.seq, dataBase64: (await envelopeBackPng(i)).toString('base64'), source: 'file' }));
    }
    // Signatures on file: two or three per voter, captured years apart (the state's index layout).
    const dir = path.join(path.dirname(store.path), 'reference-signatures');
    fs.mkdirSync(dir);
    const lines = ['voter_id,captured_on,file'];
    for (let i = 1; i <= WITH_FILE; i += 1)
      for (const [k, day] of (['2016-03-04', '2020-09-21', '2024-06-02'] as const).slice(i % 2).entries()) {
        fs.writeFileSync(path.join(dir, `v${i}-${k}.png`), await signaturePng(i, k));
        lines.push(`V${i},${day},v${i}-${k}.png`);
      }
    fs.writeFileSync(path.join(dir, 'index.csv'), `${lines.join('\n')}\n`);
    const report = await importSignatures(api.station, { name: 'Sue', role: 'supervisor', via: 'session' }, { path: path.join(dir, 'index.csv'), layout: 'index-csv' });
    if (report.refused.length || report.unknownVoters.length) throw new Error(JSON.stringify(report));
    must(await api.call(sue, 'signatures.setReviewer', { name: 'Clara', reviewer: true }));
    store.config.set('signatures.sampleRate', 0, 'setup', new Date().toISOString());
  });
  p = s.p;
});
afterAll(async () => s?.stop());

/** A change made at the station while the app runs (the sample share), through the real store. */
function setSampleRate(rate: number): void {
  const store = Store.open(s.served.db);
  try {
    store.config.set('signatures.sampleRate', rate, 'Sue', new Date().toISOString());
  } finally {
    store.close();
  }
}
const shownBallot = () => p.textContent('[data-testid=signature-item] .signature-head bdi.mono');
const tier = () => p.textContent('[data-testid=tier]');
const note = () => p.textContent('[data-testid=signature-note]');
/** After a decision: the next envelope is on screen with all of its pictures painted. */
async function nextShown(before: string | null): Promise<void> {
  await p.waitForFunction((b) => {
    if (document.querySelector('[data-testid=signature-empty]')) return true;
    const pair = document.querySelector('[data-testid=signature-item] [data-testid=signature-pair]');
    const head = document.querySelector('[data-testid=signature-item] .signature-head bdi.mono');
    return pair !== null && head?.textContent !== b && [...pair.querySelectorAll('img')].every((i) => i.complete && i.naturalWidth > 0);
  }, before);
}
async function typeReason(text: string): Promise<void> {
  await p.focus('input[name=reason]');
  await p.keyboard.type(text, { delay: 40 }); // a person's pace, never a scanner's burst
}

describe('signature review in tiers, by keyboard', () => {
  it('a reviewer sees the envelope’s signature beside those on file, newest first, with their dates in words', async () => {
    await signIn(p, s.served.url, 'Clara', '2468');
    await p.keyboard.press('Shift+F2');
    await p.waitForSelector('h1:has-text("Signature review")');
    await p.mouse.move(1, 1); // no picture under the pointer: hovering one enlarges it
    await p.waitForSelector('[data-testid=signature-item]');
    await nextShown(null);
    expect(await tier()).toBe('First look');
    expect(await shownBallot()).toBe(ballot(1));
    const captions = await p.locator('.references figcaption').allTextContents();
    expect(captions.map((c) => c.replace(/\s+/g, ' '))).toEqual(['Signed Jun 2, 2024 · state record', 'Signed Sep 21, 2020 · state record']);
    expect(await p.locator('[data-testid=signature-counts]').innerText()).toMatch(/First look\s+10/);
    expect(await p.locator('.decisions button').allTextContents()).toEqual(['Matches Alt+M', 'Does not match Alt+N', 'No signature Alt+S', 'Refer to a supervisor Alt+R', 'Zoom Alt+Z']);
    await expectPlainWords(p);
    await look(p, 'signatures-01-first-look');
    await p.keyboard.press('Alt+Z');
    await p.waitForSelector('.signature-pair.zoomed');
    await look(p, 'signatures-02-zoomed');
    await p.keyboard.press('Alt+Z');
  });

  it('Alt+M decides and the next pair is on screen at once (its pictures were loaded before the decision)', async () => {
    await p.evaluate(() => performance.clearMeasures());
    for (let i = 1; i <= 7; i += 1) {
      const before = await shownBallot();
      expect(before).toBe(ballot(i));
      await p.waitForTimeout(400); // the reviewer looks (a real one takes seconds)
      await p.keyboard.press('Alt+M');
      await nextShown(before);
    }
    expect(await shownBallot()).toBe(ballot(8));
    expect(await note()).toContain(`Ballot ${ballot(7)}: matches.`);
    const ms = await p.evaluate(() => performance.getEntriesByName('signature-next').map((e) => e.duration));
    const readyMs = await p.evaluate(() => performance.getEntriesByName('signature-ready').map((e) => e.duration));
    // The floor on this machine: a key's handler to the next painted frame, with nothing to do.
    const floorMs = await p.evaluate(async () => {
      const out: number[] = [];
      for (let i = 0; i < 7; i += 1) {
        const t0 = performance.now();
        await new Promise<void>((r) => requestAnimationFrame(() => r()));
        out.push(performance.now() - t0);
      }
      return out;
    });
    expect(ms.length).toBe(7);
    // A sanity bound only (the figure itself goes to BENCHMARKS.md): a loaded 2-core test machine.
    expect(Math.max(...ms)).toBeLessThan(2000);
    fs.mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'test-output', 'signature-next-ms.json'), JSON.stringify({ at: new Date().toISOString(), shownMs: ms, detailsMs: readyMs, floorMs }, null, 1));
  });

  it('“does not match” asks for the reason the state wants, in words, and records nothing without it', async () => {
    await p.keyboard.press('Alt+N');
    await p.waitForSelector('[data-testid=signature-problem] >> text=Type a reason for “Does not match” first');
    expect(await p.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('reason');
    expect(await shownBallot()).toBe(ballot(8));
    await look(p, 'signatures-03-reason-needed');
    await typeReason('letters formed differently');
    await p.keyboard.press('Alt+N');
    await p.waitForSelector(`[data-testid=signature-note] >> text=Ballot ${ballot(8)}: does not match`);
    expect(await note()).toContain('sent to a second-level reviewer');
    expect(await shownBallot()).toBe(ballot(9));
  });

  it('a first-look match can fall in the blind sample: the reviewer is told nothing different', async () => {
    setSampleRate(1);
    await p.keyboard.press('Alt+M');
    await nextShown(ballot(9));
    setSampleRate(0);
    expect(await note()).toBe(`Ballot ${ballot(9)}: matches.`);
    expect(await p.locator('[data-testid=signature-counts]').innerText()).not.toMatch(/sample/i);
    await p.keyboard.press('Alt+M');
    await p.waitForSelector('[data-testid=signature-empty]');
  });

  it('the same operator cannot take the second look: nothing is served, and the screen says why in plain words', async () => {
    expect(await p.textContent('[data-testid=signature-empty]')).toContain('No envelope waits for your review.');
    expect(await p.textContent('[data-testid=signature-others]')).toMatch(/envelopes? waits? for another reviewer: a second look or a blind sample is never given to the reviewer who made the first decision/);
    await expectPlainWords(p);
    await look(p, 'signatures-04-nothing-for-you');
    // Asked directly, the station refuses Clara's second look with a sentence, not a code.
    const store = Store.open(s.served.db);
    try {
      const api = apiFor(store);
      const seq = seqOf.get(ballot(8)) ?? 0;
      const round = store.signatures.item(seq)?.round ?? 0;
      const r = await api.call(api.as('Clara', 'clerk'), 'signatures.decide', { scanSeq: seq, round, decision: 'no-match', reason: 'again', referenceIds: [] });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/Clara already decided on this envelope .*needs a different reviewer/);
    } finally {
      store.close();
    }
  });

  it('a supervisor decides the envelope with no signature on file, with a reason', async () => {
    await p.click('button:has-text("Sign out")');
    await signIn(p, s.served.url);
    await p.mouse.move(1, 1);
    await p.keyboard.press('Shift+F2');
    await p.waitForSelector('[data-testid=signature-item]');
    expect(await tier()).toBe('No signature on file');
    expect(await shownBallot()).toBe(ballot(11));
    expect(await p.textContent('.on-file')).toContain('No signature of this voter is on file.');
    expect(await p.locator('.decisions button').allTextContents()).not.toContain('Refer to a supervisor Alt+R');
    await look(p, 'signatures-05-no-signature-on-file');
    await typeReason('registered by mail this year; signature checked against the application');
    await p.keyboard.press('Alt+M');
    await nextShown(ballot(11));
  });

  it('the second look shows the first decision and who made it; a different operator’s “does not match” opens the cure case', async () => {
    expect(await tier()).toBe('Second look');
    expect(await shownBallot()).toBe(ballot(8));
    const earlier = await p.textContent('.earlier');
    expect(earlier).toContain('First look: Does not match — Clara');
    expect(earlier).toContain('letters formed differently');
    await expectPlainWords(p);
    await look(p, 'signatures-06-second-look');
    await typeReason('agree: a different hand');
    await p.keyboard.press('Alt+N');
    await p.waitForSelector(`[data-testid=signature-note] >> text=Ballot ${ballot(8)}: does not match`);
    expect(await note()).toContain('a cure case is open');
  });

  it('the blind sample comes as a first look with no earlier decision shown; a disagreement goes to a supervisor', async () => {
    await p.waitForFunction((b) => document.querySelector('[data-testid=signature-item] .signature-head bdi.mono')?.textContent === b, ballot(9));
    expect(await tier()).toBe('First look');
    expect(await p.locator('.earlier').count()).toBe(0);
    expect(await p.textContent('[data-testid=signature-item]')).not.toContain('Clara');
    await typeReason('the loop of the first letter is missing');
    await p.keyboard.press('Alt+N');
    await p.waitForSelector(`[data-testid=signature-note] >> text=Ballot ${ballot(9)}: does not match`);
    expect(await note()).toContain('a supervisor looks at this envelope');
    await p.waitForSelector('[data-testid=signature-empty]');
  });

  it('the sample audit report shows the agreement per reviewer and per day, and the disagreement', async () => {
    await p.focus('[role=tab]:has-text("Sample audit report")');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid=agreement-report] table');
    expect(await p.textContent('[data-testid=agreement-overall]')).toBe('0%');
    const row = await p.locator('table[aria-label="Agreement by reviewer"] tbody tr').first().innerText();
    expect(row.split(/\t/).map((c) => c.trim())).toEqual(['Clara', '1', '0', '1', '0', '0%']);
    expect(await p.locator('table[aria-label=Disagreements] tbody').innerText()).toMatch(new RegExp(`${ballot(9)}\\s+Clara: matches\\s+Sue: does not match`));
    await expectPlainWords(p);
    await look(p, 'signatures-07-agreement-report');
  });

  it('the cure case is in the review queue, with the envelope’s pictures and the decisions in its history', async () => {
    await p.keyboard.press('F2');
    await p.waitForSelector('h1:has-text("Review queue")');
    await p.selectOption('select[name=cureCode]', 'SIGNATURE_MISMATCH');
    await p.waitForSelector(`.queue .item >> text=${ballot(8)}`);
    await p.focus('[role=grid]');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid=review-detail] [data-testid=ballot-images] img');
    const detail = await p.textContent('[data-testid=review-detail]');
    expect(detail).toContain('Signature does not match');
    expect(detail).toMatch(/signature review \(first level\): signature does not match; 3 signature\(s\) on file shown — letters formed differently/);
    expect(await p.locator('[data-testid=ballot-images] figcaption').allTextContents()).toEqual([expect.stringMatching(/^Envelope · file · Sue, today/), expect.stringMatching(/^Signature cut out \(2026 return envelope\) · file · Sue, today/)]);
    await expectPlainWords(p);
    await look(p, 'signatures-08-review-detail');
  });

  it('roll lookup shows the same pictures in the ballot’s history', async () => {
    await p.keyboard.press('F4');
    await p.fill('input[name=find-ballotId]', ballot(8));
    await p.keyboard.press('Enter');
    await p.waitForSelector(`.ballot[data-ballot="${ballot(8)}"] [data-testid=ballot-images] img`);
    expect(await p.locator(`.ballot[data-ballot="${ballot(8)}"] [data-testid=ballot-images] figure`).count()).toBe(2);
    await look(p, 'signatures-09-roll-lookup');
    expect(s.errors).toEqual([]);
  });
});
