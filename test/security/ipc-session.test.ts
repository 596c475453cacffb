import { describe, expect, it } from 'vitest';
import { Session } from '../../main/api/router.js';
import type { ApiEvent } from '../../shared/api/events.js';

// Both transports deliver pushed events through the window's Session (the WebSocket in
// main/api/ws-transport.ts, Electron IPC in main/electron/main.ts): these are the rules the IPC
// side keeps, without an Electron binary. test/transport/idle-lock.test.ts holds the socket side.

const verdict = { event: 'verdict', payload: { verdict: 'ACCEPTED', voter: { name: 'JANE DOE' } } } as unknown as ApiEvent;
const fault: ApiEvent = { event: 'stationFault', payload: { fault: 'the disk is full' } };
const refused: ApiEvent = { event: 'scanRefused', payload: { scanner: 'serial-1', reason: 'sign in to scan', at: '2026-11-03T10:00:00Z' } };
const progress: ApiEvent = { event: 'importProgress', payload: { phase: 'done', bytes: 1, totalBytes: 1, rows: 1, rowsPerSecond: 1 } };
const clara = { name: 'Clara', role: 'clerk' as const, active: true, createdAt: '', createdBy: '', lockedUntil: null };

function window(): { s: Session; got: ApiEvent[] } {
  const got: ApiEvent[] = [];
  return { s: new Session('ipc-1', (e) => got.push(e)), got };
}

describe('event delivery through a Session (the IPC transport)', () => {
  it('a window no one signed in to receives only events with no voter data', () => {
    const { s, got } = window();
    for (const e of [verdict, progress, fault, refused]) s.deliver(e);
    expect(got.map((e) => e.event)).toEqual(['stationFault', 'scanRefused']);
  });

  it('a signed-in window receives everything until it locks, then only sessionLocked, scanRefused and stationFault', () => {
    const { s, got } = window();
    s.signedIn(clara);
    s.deliver(verdict);
    s.lock('requested');
    s.deliver(verdict);
    s.deliver(progress);
    s.deliver(refused);
    s.deliver(fault);
    expect(got.map((e) => e.event)).toEqual(['verdict', 'sessionLocked', 'scanRefused', 'stationFault']);
    expect(got[1]?.payload).toEqual({ operator: 'Clara', reason: 'requested' });
    expect(s.lockedOperator?.name).toBe('Clara');
    expect(s.operator).toBeNull();
  });

  it('locks by its own timer, at the moment the idle time passes', async () => {
    const { s, got } = window();
    s.signedIn(clara);
    s.armIdleTimer(50);
    await new Promise((r) => setTimeout(r, 120));
    expect(got).toEqual([{ event: 'sessionLocked', payload: { operator: 'Clara', reason: 'idle' } }]);
    s.deliver(verdict);
    expect(got).toHaveLength(1);
  });

  it('a closed window keeps no timer that could fire later', async () => {
    const { s, got } = window();
    s.signedIn(clara);
    s.armIdleTimer(30);
    s.close();
    s.armIdleTimer(30); // a call still in flight when the window closed finishes after it
    await new Promise((r) => setTimeout(r, 80));
    expect(got).toEqual([]);
  });

  it('signing out clears the lock; locking a window no one is signed in to does nothing', () => {
    const { s, got } = window();
    s.lock('requested');
    expect(got).toEqual([]);
    s.signedIn(clara);
    s.lock('idle');
    s.signOut();
    expect(s.lockedOperator).toBeNull();
    expect(s.operator).toBeNull();
  });
});
