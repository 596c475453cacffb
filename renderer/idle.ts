import { useEffect } from 'react';
import { api } from './api.js';

/**
 * The renderer's own idle timer (LOCK-DESIGN.md): when the operator has not touched the station
 * for the configured minutes, the session is locked at once, so the screen is covered then and
 * not at the next call. Any key (a wedge scan too), click or touch is activity.
 */
export function useIdleLock(active: boolean, minutes: number, onLocked: () => Promise<void>): void {
  useEffect(() => {
    if (!active) return;
    let timer: ReturnType<typeof setTimeout>;
    const lock = () => void api.call('session.lock', {}).then(onLocked, onLocked);
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(lock, minutes * 60_000);
    };
    const events = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;
    for (const e of events) window.addEventListener(e, arm, { capture: true, passive: true });
    arm();
    return () => {
      clearTimeout(timer);
      for (const e of events) window.removeEventListener(e, arm, { capture: true });
    };
  }, [active, minutes, onLocked]);
}
