import { describe, expect, it } from 'vitest';
import { CURE_STATES } from '../domain.js';
import { canMove, isOpen, needsSupervisor, nextStates } from './lifecycle.js';

describe('cure lifecycle', () => {
  it('follows FLAGGED → NOTICE_SENT → CURE_RECEIVED → CURED → ACCEPTED', () => {
    expect(canMove('FLAGGED', 'NOTICE_SENT')).toBe(true);
    expect(canMove('NOTICE_SENT', 'CURE_RECEIVED')).toBe(true);
    expect(canMove('CURE_RECEIVED', 'CURED')).toBe(true);
    expect(canMove('CURED', 'ACCEPTED')).toBe(true);
  });

  it('never leaves a final state and never skips to CURED without a cure received', () => {
    for (const s of CURE_STATES) {
      if (!isOpen(s)) expect(nextStates(s)).toEqual([]);
    }
    expect(canMove('FLAGGED', 'CURED')).toBe(false);
    expect(canMove('NOTICE_SENT', 'CURED')).toBe(false);
    expect(canMove('CURED', 'REJECTED')).toBe(false);
  });

  it('reserves decisions for the supervisor', () => {
    expect(needsSupervisor('ACCEPTED')).toBe(true);
    expect(needsSupervisor('NOT_CURED')).toBe(true);
    expect(needsSupervisor('NOTICE_SENT')).toBe(false);
    expect(needsSupervisor('CURE_RECEIVED')).toBe(false);
  });
});
