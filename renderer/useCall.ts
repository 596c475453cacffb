import { useCallback, useState } from 'react';
import { ApiCallError } from '../shared/api/define.js';
import { errorText } from './api.js';

/** Runs an API call, keeping its error text for the screen; an idle lock sends the operator back. */
export function useCall(onAuthLost: (why: string) => void) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async <T,>(fn: () => Promise<T>): Promise<T | null> => {
      setBusy(true);
      setError(null);
      try {
        return await fn();
      } catch (e) {
        if (e instanceof ApiCallError && e.code === 'unauthenticated') onAuthLost(e.message);
        setError(errorText(e));
        return null;
      } finally {
        setBusy(false);
      }
    },
    [onAuthLost],
  );
  return { error, busy, run, setError };
}
