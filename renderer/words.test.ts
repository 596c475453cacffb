import { describe, expect, it } from 'vitest';
import { CURE_CODES, VERDICTS } from '../shared/domain.js';
import { CURE_CODE_WORDS, VERDICT_WORDS, localDateTime, plainText, relativeTime, verdictWords } from './words.js';

describe('the staff’s words', () => {
  it('name every verdict and cure code in plain words, never the code itself', () => {
    for (const v of VERDICTS) expect(VERDICT_WORDS[v]).not.toMatch(/_|^[A-Z ]+$/);
    for (const c of CURE_CODES) expect(CURE_CODE_WORDS[c]).not.toMatch(/_/);
    expect(verdictWords('ALREADY_VOTED')).toBe('Already voted in person');
    expect(CURE_CODE_WORDS.NO_VOTER_SIGNATURE).toBe('No voter signature');
  });

  it('says times in local words, never as ISO stamps', () => {
    const now = new Date(2026, 10, 3, 15, 0, 0);
    expect(localDateTime(new Date(2026, 10, 3, 14, 41).toISOString(), now)).toMatch(/^today 2:41\sPM$/);
    expect(localDateTime(new Date(2026, 9, 30, 9, 5).toISOString(), now)).toMatch(/^Oct 30, 9:05\sAM$/);
    expect(localDateTime('not a time', now)).toBe('');
    expect(relativeTime(new Date(now.getTime() + 40_000).toISOString(), now)).toBe('in 40 s');
    const iso = new Date(2026, 10, 3, 4, 10).toISOString();
    expect(plainText(`already received ${iso} at MAILROOM-2 (scan 7)`, now)).toMatch(/^already received today 4:10\sAM at MAILROOM-2 \(scan 7\)$/);
    expect(relativeTime(new Date(now.getTime() - 180_000).toISOString(), now)).toBe('3 min ago');
  });
});
