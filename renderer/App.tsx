import { useCallback, useEffect, useRef, useState } from 'react';
import type { Output } from '../shared/api/contract.js';
import type { ScanOutcomeDto } from '../shared/api/schemas.js';
import { verdictClass } from '../shared/domain.js';
import { api, errorText, onConnectionChange } from './api.js';
import { useIdleLock } from './idle.js';
import { RefusalBanner } from './Feedback.js';
import { useIntake } from './intake.js';
import { Batches } from './screens/Batches.js';
import { Lock } from './screens/Lock.js';
import { Reports } from './screens/Reports.js';
import { Review } from './screens/Review.js';
import { Roll } from './screens/Roll.js';
import { Scan } from './screens/Scan.js';
import { Settings } from './screens/Settings.js';
import { SignIn } from './screens/SignIn.js';
import { Signatures } from './screens/Signatures.js';
import { Sync } from './screens/Sync.js';
import { localTime, plainText, verdictWords } from './words.js';

export type Status = Output<'session.status'>;
type ScreenName = 'scan' | 'review' | 'batches' | 'roll' | 'reports' | 'sync' | 'settings' | 'signatures';
const SCREENS: { name: ScreenName; label: string; key: string; supervisor: boolean }[] = [
  { name: 'scan', label: 'Scan', key: 'F1', supervisor: false },
  { name: 'review', label: 'Review', key: 'F2', supervisor: true },
  { name: 'signatures', label: 'Signatures', key: 'Shift+F2', supervisor: false },
  { name: 'batches', label: 'Batches', key: 'F3', supervisor: false },
  { name: 'roll', label: 'Roll', key: 'F4', supervisor: false },
  { name: 'reports', label: 'Reports', key: 'F5', supervisor: true },
  { name: 'sync', label: 'Sync', key: 'F6', supervisor: false },
  { name: 'settings', label: 'Settings', key: 'F7', supervisor: true },
];
const TOAST_MS = 8000;

export function App() {
  const [status, setStatus] = useState<Status | null>(null);
  const [screen, setScreen] = useState<ScreenName>('scan');
  const [connected, setConnected] = useState(true);
  const [message, setMessage] = useState<string | null>(null);
  const [scanners, setScanners] = useState<Record<string, string>>({});

  const refresh = useCallback(async () => {
    try {
      setStatus(await api.call('session.status', {}));
    } catch (e) {
      setMessage(errorText(e));
    }
  }, []);

  useEffect(() => {
    onConnectionChange((up) => {
      setConnected(up);
      if (up) void refresh();
    });
    void refresh();
    const offFault = api.on('stationFault', () => void refresh());
    const offLocked = api.on('sessionLocked', () => void refresh());
    const offScanner = api.on('scannerStatus', (s) => setScanners((prev) => ({ ...prev, [s.name ?? s.scannerId]: s.state })));
    const offNotice = api.on('notice', (n) => setMessage(n.message));
    return () => {
      offFault();
      offLocked();
      offScanner();
      offNotice();
    };
  }, [refresh]);

  const signedIn = status?.operator ?? null;
  const locked = !signedIn && status?.locked ? status.locked.operator : null;
  const allowed = SCREENS.filter((s) => !s.supervisor || signedIn?.role === 'supervisor');

  /** Any call answered "unauthenticated" (the station locked the session) brings the lock or sign-in screen. */
  const onAuthLost = useCallback(
    (why: string) => {
      setMessage(why);
      void refresh();
    },
    [refresh],
  );

  const intake = useIntake({ signedIn: signedIn !== null, locked: locked !== null, fault: status?.fault ?? null, onAuthLost });
  // A verdict that arrives while the clerk is on another screen is shown there as a toast.
  const [toast, setToast] = useState<ScanOutcomeDto | null>(null);
  const lastSeq = intake.last?.seq ?? 0;
  const screenRef = useRef(screen);
  screenRef.current = screen;
  useEffect(() => {
    if (lastSeq > 0 && screenRef.current !== 'scan') setToast(intake.last);
    // Only a new verdict raises a toast, not a screen change.
  }, [lastSeq, intake.last]);
  useEffect(() => {
    if (screen === 'scan') setToast(null);
  }, [screen]);
  // A scan refused or a stopped station is newer than the last verdict: its green must not linger.
  useEffect(() => {
    if (intake.refusal || intake.fault) setToast(null);
  }, [intake.refusal, intake.fault]);
  useIdleLock(signedIn !== null, status?.idleLockMinutes ?? 10, refresh);

  /** Each sign-in starts on the Scan screen, whatever the previous operator left open. */
  const operatorName = signedIn?.name ?? null;
  useEffect(() => {
    if (!operatorName) return;
    // Status events before this page connected were missed: start from the station's view.
    api
      .call('scanners.status', {})
      .then((list) => setScanners(Object.fromEntries(list.map((s) => [s.name ?? s.scannerId, s.state]))))
      .catch((e: unknown) => setMessage(errorText(e)));
  }, [operatorName]);
  useEffect(() => {
    if (!locked) setScreen('scan');
  }, [operatorName, locked]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Shift+F2 is its own screen's key; any other Shift+F-key still means the plain F-key.
      const target = allowed.find((s) => s.key === (e.shiftKey ? `Shift+${e.key}` : e.key)) ?? allowed.find((s) => s.key === e.key);
      if (target) {
        e.preventDefault();
        setScreen(target.name);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [allowed]);

  if (!status) return <main className="app">{message ?? 'Connecting to the station…'}</main>;
  const lost = !connected && (
    <div className="banner" role="alert">
      The connection to the station was lost: reconnecting…
    </div>
  );
  if (locked)
    return (
      <div className="app">
        {lost}
        <Lock operator={locked} refusal={intake.refusal} onUnlocked={() => void refresh()} onSignedOut={() => void refresh()} />
      </div>
    );
  if (!signedIn)
    return (
      <div className="app">
        {lost}
        <SignIn status={status} onSignedIn={() => void refresh()} message={intake.refusal?.text ?? message} />
      </div>
    );

  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">Ballot Intake Station</h1>
        <span className="where" title={`${status.station ?? 'station?'} · ${status.electionName ?? status.election ?? 'no election set'}`}>
          <bdi>{status.station ?? 'station?'}</bdi> · <bdi>{status.electionName ?? status.election ?? 'no election set'}</bdi>
        </span>
        <nav aria-label="Screens">
          {allowed.map((s) => (
            <button key={s.name} aria-current={screen === s.name ? 'page' : undefined} onClick={() => setScreen(s.name)} title={s.key}>
              {s.label} <span className="key-hint">{s.key.replace('Shift+', '⇧')}</span>
            </button>
          ))}
        </nav>
        <div role="group" aria-label="Scanners" className="scanners">
          {Object.entries(scanners).map(([name, state]) => (
            <span key={name} title={`${name}: ${state}`} data-scanner={name} data-state={state}>
              <span className={`light ${state}`} />
              <bdi>{name}</bdi>{' '}
            </span>
          ))}
        </div>
        <span className="who">
          <bdi>{signedIn.name}</bdi> ({signedIn.role}){' '}
          <button onClick={() => void api.call('session.lock', {}).then(refresh, refresh)}>Lock</button>{' '}
          <button
            onClick={() => {
              void api.call('session.signOut', {}).then(refresh);
            }}
          >
            Sign out
          </button>
        </span>
      </header>
      {lost}
      {intake.fault && <FaultBanner fault={intake.fault} last={intake.last ?? intake.recent[0] ?? null} />}
      {intake.refusal && screen !== 'scan' && <RefusalBanner refusal={intake.refusal} onDismiss={intake.dismissRefusal} />}
      {message && (
        <div className="banner" role="status">
          {message} <button onClick={() => setMessage(null)}>Dismiss</button>
        </div>
      )}
      <main>
        {screen === 'scan' && <Scan intake={intake} onAuthLost={onAuthLost} />}
        {screen === 'review' && <Review onAuthLost={onAuthLost} />}
        {screen === 'batches' && <Batches role={signedIn.role} onAuthLost={onAuthLost} />}
        {screen === 'roll' && <Roll role={signedIn.role} onAuthLost={onAuthLost} />}
        {screen === 'reports' && <Reports onAuthLost={onAuthLost} />}
        {screen === 'sync' && <Sync role={signedIn.role} onAuthLost={onAuthLost} />}
        {screen === 'signatures' && <Signatures role={signedIn.role} onAuthLost={onAuthLost} />}
        {screen === 'settings' && <Settings onAuthLost={onAuthLost} onSaved={() => void refresh()} />}
      </main>
      {screen !== 'scan' && toast && <VerdictToast key={toast.seq} scan={toast} onOpen={() => setScreen('scan')} />}
    </div>
  );
}

/** The station stopped: on every screen, with the last envelope that was recorded. */
function FaultBanner({ fault, last }: { fault: string; last: ScanOutcomeDto | null }) {
  return (
    <div className="fault" role="alert">
      STOP SCANNING. {fault}
      {last && (
        <div className="fault-last">
          Last envelope recorded: <bdi>{last.ballotId ?? last.raw}</bdi>
          {last.voterName && (
            <>
              , <bdi>{last.voterName}</bdi>
            </>
          )}{' '}
          ({verdictWords(last.verdict)}, {localTime(last.scannedAt)}). Envelopes after it were NOT recorded.
        </div>
      )}
    </div>
  );
}

/** A verdict while the clerk is on another screen: its words and colour for a few seconds (its sound already played). */
function VerdictToast({ scan, onOpen }: { scan: ScanOutcomeDto; onOpen: () => void }) {
  const [open, setOpen] = useState(true);
  useEffect(() => {
    const t = setTimeout(() => setOpen(false), TOAST_MS);
    return () => clearTimeout(t);
  }, []);
  if (!open) return null;
  const kind = verdictClass(scan.verdict);
  return (
    <div className={`toast ${kind}`} role={kind === 'accept' ? 'status' : 'alert'} data-verdict={scan.verdict} data-seq={scan.seq}>
      <strong>{verdictWords(scan.verdict).toUpperCase()}</strong> <bdi data-testid="toast-name">{scan.voterName ?? scan.ballotId ?? scan.raw}</bdi>
      <div className="toast-detail">
        {plainText(scan.reason)} · <span>{localTime(scan.scannedAt)}</span>
      </div>
      <button onClick={onOpen}>Open the Scan screen (F1)</button>
    </div>
  );
}
