import { useCallback, useEffect, useRef } from 'react';

/**
 * Runs what is handed to it once the settings have reloaded (`values` is the settings as loaded:
 * a new object when the reload after a save arrives). A section clears its drafts this way, not
 * at the save: until the reload comes, the screen keeps showing what was saved rather than the
 * old value for a moment.
 */
export function useAfterReload(values: unknown): (fn: () => void) => void {
  const pending = useRef<(() => void)[]>([]);
  useEffect(() => {
    const fns = pending.current;
    pending.current = [];
    for (const fn of fns) fn();
  }, [values]);
  return useCallback((fn: () => void) => {
    pending.current.push(fn);
  }, []);
}
