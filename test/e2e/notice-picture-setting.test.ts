import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../main/store/store.js';
import { apiFor } from '../helpers/api.js';
import { expectPlainWords, seed, signIn, supStation, type SupStation } from './supervisor.js';

// The picture on cure notices (issue 19) chosen in Settings, in words, and stored as the
// `cureNoticeImage` setting; "as the state's letter does" clears it so the profile decides.
let s: SupStation;
let p: Page;

beforeAll(async () => {
  s = await supStation('intake-e2e-notice-picture-', (store) => seed(store, [{ ballotId: 'NP-1', voterId: 'V1' }]));
  p = s.p;
});
afterAll(async () => s?.stop());

async function stored(): Promise<unknown> {
  const store = Store.open(s.served.db);
  try {
    const api = apiFor(store);
    const r = await api.call(api.as('Sue', 'supervisor'), 'settings.get', {});
    if (!r.ok) throw new Error(r.error.message);
    return r.value['cureNoticeImage'];
  } finally {
    store.close();
  }
}

describe('the picture on cure notices in Settings', () => {
  it('a supervisor picks "the envelope as received", then "as the state’s letter does" clears it', async () => {
    await signIn(p, s.served.url);
    await p.keyboard.press('F7');
    await p.locator('#review-settings-title').scrollIntoViewIfNeeded();
    const options = await p.locator('select[name=cureNoticeImage] option').allTextContents();
    expect(options).toEqual(['as the state’s letter does', 'the envelope as received', 'the signature on the envelope', 'no picture']);
    await p.selectOption('select[name=cureNoticeImage]', 'envelope');
    await p.click('button:has-text("Save signature review and pictures")');
    await p.waitForSelector('[data-testid=saved-review-settings] >> text=Picture on cure notices');
    expect(await stored()).toBe('envelope');
    await p.selectOption('select[name=cureNoticeImage]', '');
    await p.click('button:has-text("Save signature review and pictures")');
    await expect.poll(stored).toBeUndefined();
    await expectPlainWords(p);
  });
});
