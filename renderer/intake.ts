import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiCallError } from '../shared/api/define.js';
import type { ScanOutcomeDto } from '../shared/api/schemas.js';
import { WEDGE_DEFAULTS, WedgeDetector, type WedgeAction, type WedgeTerminator } from '../shared/scanner/wedge.js';
import { verdictClass, type CureCode } from '../shared/domain.js';
import { api, errorText } from './api.js';
import { isEditable, isSecret, removeTyped } from './keys.js';
import { playAlarm, playFlag, playRefused, playVerdict } from './sounds.js';

/**
 * The station's intake, for the whole window: a keyboard-wedge burst is recorded wherever the
 * clerk is (the detector listens on the window, before any screen or text box), every verdict
 * (the clerk's own and the hardware scanners') is kept here and sounded, and a scan that cannot
 * be recorded (screen locked, station stopped, code read only in part) is refused out loud.
 */

export interface WedgeSettings {
  terminator: WedgeTerminator;
  maxGapMs: number;
}

export const WEDGE_SETTINGS_CHANGED = 'intake:wedge-settings';

/** A wedge scan seen by the live test (Settings → Scanners) instead of intake. */
export interface TestWedgeScan {
  text: string;
  cut: boolean;
  rhythmMs: number | null;
}

/** While the scanner live test runs, wedge bursts go to it and are not recorded. */
export const liveTest: { route: ((s: TestWedgeScan) => void) | null; rhythm: () => number | null } = {
  route: null,
  rhythm: () => null,
};

/** The flag just raised on the envelope on screen, undoable for a while by the same clerk. */
export interface RaisedFlag {
  seq: number;
  caseId: number;
  codes: CureCode[];
  at: number;
  undone: boolean;
}

/** Something the clerk must hear and read that is not a verdict: nothing was recorded. */
export interface Refusal {
  kind: 'cut' | 'locked' | 'fault' | 'failed';
  text: string;
  at: number;
}

export const UNDO_WINDOW_MS = 2 * 60_000;

export function useIntake(opts: { signedIn: boolean; locked: boolean; fault: string | null; onAuthLost: (why: string) => void }) {
  const { signedIn, locked, onAuthLost } = opts;
  const [last, setLast] = useState<ScanOutcomeDto | null>(null);
  const [recent, setRecent] = useState<ScanOutcomeDto[]>([]);
  const [fault, setFault] = useState<string | null>(opts.fault);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [flag, setFlag] = useState<RaisedFlag | null>(null);
  const [settings, setSettings] = useState<WedgeSettings>({ terminator: WEDGE_DEFAULTS.terminator, maxGapMs: WEDGE_DEFAULTS.maxGapMs });
  const shown = useRef(0);
  const detector = useRef(new WedgeDetector());
  const state = useRef({ signedIn, locked, fault });
  state.current = { signedIn, locked, fault };

  useEffect(() => setFault(opts.fault), [opts.fault]);

  const refuse = useCallback((kind: Refusal['kind'], text: string) => {
    setRefusal({ kind, text, at: Date.now() });
    if (kind === 'fault') playAlarm();
    else playRefused();
  }, []);

  const show = useCallback((o: ScanOutcomeDto) => {
    if (o.seq <= shown.current) return; // our own scan also comes back as an event
    shown.current = o.seq;
    setLast(o);
    setFlag(null);
    setRefusal(null);
    setRecent((r) => [o, ...r.filter((x) => x.seq !== o.seq)].slice(0, 10));
    playVerdict(verdictClass(o.verdict));
  }, []);

  const submit = useCallback(
    (raw: string, how: { keyed: boolean; scanner: string }) => {
      const s = state.current;
      if (s.locked || !s.signedIn) return refuse('locked', 'Sign in to scan: this envelope was NOT recorded. Unlock, then scan it again.');
      if (s.fault) return refuse('fault', 'NOT recorded: the station is stopped (see the red banner). Keep this envelope apart.');
      api.call('scan.submit', { raw, keyed: how.keyed, scanner: how.scanner }).then(show, (e: unknown) => {
        if (e instanceof ApiCallError && e.code === 'station-fault') setFault(e.message.replace(/^the station is stopped: /, ''));
        if (e instanceof ApiCallError && e.code === 'unauthenticated') onAuthLost(e.message);
        const stopped = e instanceof ApiCallError && e.code === 'station-fault';
        refuse(stopped ? 'fault' : 'failed', stopped ? 'NOT recorded: the station is stopped (see the red banner). Keep this envelope apart.' : `NOT recorded: ${errorText(e)}`);
      });
    },
    [onAuthLost, refuse, show],
  );

  // What the station already has: the last scans, the wedge settings, and every later verdict.
  useEffect(() => {
    if (!signedIn) return;
    api.call('scan.recent', { limit: 10 }).then(
      (r) => {
        setRecent(r);
        shown.current = Math.max(shown.current, 0, ...r.map((x) => x.seq));
        setLast((prev) => prev ?? null);
      },
      () => undefined,
    );
    const load = () =>
      api.call('settings.get', {}).then(
        (all) => {
          const w = all['keyboardWedge'];
          if (w) setSettings(w);
        },
        () => undefined,
      );
    void load();
    const onChange = () => void load();
    window.addEventListener(WEDGE_SETTINGS_CHANGED, onChange);
    return () => window.removeEventListener(WEDGE_SETTINGS_CHANGED, onChange);
  }, [signedIn]);

  useEffect(() => {
    const offVerdict = api.on('verdict', show);
    const offFault = api.on('stationFault', (f) => setFault(f.fault));
    const offRefused = api.on('scanRefused', (r) => refuse('locked', `Sign in to scan: ${r.scanner}'s scan was NOT recorded (${r.reason}).`));
    return () => {
      offVerdict();
      offFault();
      offRefused();
    };
  }, [show, refuse]);

  // A stopped station sounds an alarm, again every 20 s: the clerk is looking at envelopes.
  useEffect(() => {
    if (!fault) return;
    playAlarm();
    const again = setInterval(playAlarm, 20_000);
    return () => clearInterval(again);
  }, [fault]);

  useWedge(settings, detector, submit, refuse);

  /** Flags the envelope the clerk chose it for (its scan, passed in: never "whatever is last by now"). */
  const raiseFlag = useCallback(async (target: ScanOutcomeDto, codes: CureCode[]) => {
    const c = await api.call('cure.flag', { scanSeq: target.seq, codes, reason: 'flagged at intake' });
    setFlag({ seq: target.seq, caseId: c.caseId, codes, at: Date.now(), undone: false });
    playFlag();
  }, []);

  const undoFlag = useCallback(async () => {
    if (!flag || flag.undone) return;
    await api.call('cure.unflag', { caseId: flag.caseId, codes: flag.codes });
    setFlag({ ...flag, undone: true });
    playVerdict('accept');
  }, [flag]);

  return { last, recent, fault, refusal, flag, settings, raiseFlag, undoFlag, submit, dismissRefusal: () => setRefusal(null) };
}

/** The window-wide wedge listener: a burst is taken out of any text box and handed to intake or the live test. */
function useWedge(
  settings: WedgeSettings,
  detector: { current: WedgeDetector },
  submit: (raw: string, how: { keyed: boolean; scanner: string }) => void,
  refuse: (kind: Refusal['kind'], text: string) => void,
): void {
  useEffect(() => {
    const d = new WedgeDetector({ terminator: settings.terminator, maxGapMs: settings.maxGapMs });
    detector.current = d;
    liveTest.rhythm = () => d.rhythm();
    let field: HTMLInputElement | HTMLTextAreaElement | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;

    const act = (a: WedgeAction) => {
      if (a.type === 'pass') return;
      if (field && a.removeFromField) removeTyped(field, a.removeFromField);
      const test = liveTest.route;
      if (test) return test({ text: a.text, cut: a.type === 'cut', rhythmMs: a.type === 'scan' ? a.rhythmMs : null });
      if (a.type === 'cut') return refuse('cut', `SCAN AGAIN: the barcode was read only in part ("${a.text}"). Scan the envelope again.`);
      submit(a.text, { keyed: false, scanner: 'keyboard-wedge' });
    };
    const arm = () => {
      if (timer) clearTimeout(timer);
      const due = d.deadline();
      if (due === null) return;
      timer = setTimeout(() => act(d.flush(performance.now())), Math.max(0, due - performance.now()) + 5);
    };
    const onKey = (e: KeyboardEvent) => {
      if (isSecret(e.target)) {
        d.reset();
        return;
      }
      const editable = isEditable(e.target);
      if (editable) field = e.target;
      const a = d.key({ key: e.key, timeMs: e.timeStamp, targetIsEditable: editable, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey });
      if (a.type !== 'pass' && a.preventKey) {
        // The scanner's terminator: no form submit, no focus move, no screen's own Enter.
        e.preventDefault();
        e.stopImmediatePropagation();
      }
      act(a);
      arm();
    };
    const onBlur = () => d.reset();
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('blur', onBlur);
    return () => {
      if (timer) clearTimeout(timer);
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('blur', onBlur);
    };
  }, [settings.terminator, settings.maxGapMs, detector, submit, refuse]);
}
