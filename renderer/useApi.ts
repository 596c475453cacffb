import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiCallError } from '../shared/api/define.js';

/**
 * One way for the supervisor's screens to fetch and act: `useQuery` loads (and reloads) one
 * answer; `useAction` runs a change. Errors are said in plain words, stay until the operator
 * dismisses them or tries again (a table refresh never wipes them), and an idle lock sends the
 * operator back to sign in.
 */

/** Field names as the forms call them, for the station's "invalid input" answers. */
const FIELD_WORDS: Record<string, string> = {
  pin: 'PIN',
  name: 'Name',
  operator: 'Name',
  reason: 'Reason',
  handCount: 'Hand count',
  dir: 'Folder',
  token: 'State API token',
  dob: 'Date of birth',
  ballotId: 'Ballot ID',
  voterId: 'Voter ID',
  value: 'Value',
  seqs: 'Selection',
};

function fieldWords(path: string): string {
  const last = path.split('.').filter((p) => !/^\d+$/.test(p)).pop() ?? '';
  return FIELD_WORDS[last] ?? last.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

function sentence(s: string): string {
  const t = s.trim();
  if (!t) return t;
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** The schema library's terse defaults, said as a person would. */
const SCHEMA_WORDS: [RegExp, string][] = [[/\binvalid url\b\.?/gi, 'not a web address (it should look like https://sos.state.example/intake)']];
const schemaWords = (m: string) => SCHEMA_WORDS.reduce((text, [re, words]) => text.replace(re, words), m);

/** An API error in plain words: no method names, no schema paths, no JSON. */
export function plainError(e: unknown): string {
  if (e instanceof ApiCallError) {
    if (e.code === 'invalid-input' && e.issues?.length)
      // A message that is already a sentence names its field itself; a bare one gets the field's name.
      return e.issues.map((i) => sentence(i.path && !/^[A-Z]/.test(i.message) ? `${fieldWords(i.path)}: ${schemaWords(i.message)}` : schemaWords(i.message))).join(' ');
    // "invalid input for x.y: …" and "key: …" prefixes name the machinery, not the problem.
    return sentence(schemaWords(e.message.replace(/^invalid input for [\w.]+:\s*/i, '').replace(/^\(input\)\s*/, '')));
  }
  return sentence(e instanceof Error ? e.message : String(e));
}

export interface Query<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Loads `fn` now and whenever `deps` change or `reload` is called; the newest answer wins. */
export function useQuery<T>(fn: () => Promise<T>, deps: readonly unknown[], onAuthLost: (why: string) => void): Query<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const generation = useRef(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  useEffect(() => {
    const mine = ++generation.current;
    setLoading(true);
    fnRef.current().then(
      (v) => {
        if (mine !== generation.current) return;
        setData(v);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (mine !== generation.current) return;
        if (e instanceof ApiCallError && e.code === 'unauthenticated') onAuthLost(e.message);
        setError(plainError(e));
        setLoading(false);
      },
    );
  }, [...deps, tick, onAuthLost]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** Runs changes one at a time; the last failure stays until dismissed or the next try. */
export function useAction(onAuthLost: (why: string) => void) {
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
        setError(plainError(e));
        return null;
      } finally {
        setBusy(false);
      }
    },
    [onAuthLost],
  );
  return { error, busy, run, setError, dismiss: useCallback(() => setError(null), []) };
}
