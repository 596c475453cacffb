import { useCallback, useEffect, useState } from 'react';
import type { Output } from '../shared/api/contract.js';
import { api, errorText, onConnectionChange } from './api.js';
import { Batches } from './screens/Batches.js';
import { Reports } from './screens/Reports.js';
import { Review } from './screens/Review.js';
import { Roll } from './screens/Roll.js';
import { Scan } from './screens/Scan.js';
import { Settings } from './screens/Settings.js';
import { SignIn } from './screens/SignIn.js';
import { Sync } from './screens/Sync.js';

export type Status = Output<'session.status'>;
type ScreenName = 'scan' | 'review' | 'batches' | 'roll' | 'reports' | 'sync' | 'settings';
const SCREENS: { name: ScreenName; label: string; key: string; supervisor: boolean }[] = [
  { name: 'scan', label: 'Scan', key: 'F1', supervisor: false },
  { name: 'review', label: 'Review', key: 'F2', supervisor: true },
  { name: 'batches', label: 'Batches', key: 'F3', supervisor: false },
  { name: 'roll', label: 'Roll', key: 'F4', supervisor: false },
  { name: 'reports', label: 'Reports', key: 'F5', supervisor: true },
  { name: 'sync', label: 'Sync', key: 'F6', supervisor: false },
  { name: 'settings', label: 'Settings', key: 'F7', supervisor: true },
];

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
    const offScanner = api.on('scannerStatus', (s) => setScanners((prev) => ({ ...prev, [s.name ?? s.scannerId]: s.state })));
    const offNotice = api.on('notice', (n) => setMessage(n.message));
    return () => {
      offFault();
      offScanner();
      offNotice();
    };
  }, [refresh]);

  const signedIn = status?.operator ?? null;
  const allowed = SCREENS.filter((s) => !s.supervisor || signedIn?.role === 'supervisor');

  /** Each sign-in starts on the Scan screen, whatever the previous operator left open. */
  const operatorName = signedIn?.name ?? null;
  useEffect(() => {
    setScreen('scan');
    if (!operatorName) return;
    // Status events before this page connected were missed: start from the station's view.
    api
      .call('scanners.status', {})
      .then((list) => setScanners(Object.fromEntries(list.map((s) => [s.name ?? s.scannerId, s.state]))))
      .catch((e: unknown) => setMessage(errorText(e)));
  }, [operatorName]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = allowed.find((s) => s.key === e.key);
      if (target) {
        e.preventDefault();
        setScreen(target.name);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [allowed]);

  /** Any call answered "unauthenticated" (idle lock) sends the operator back to sign in. */
  const onAuthLost = useCallback(
    (why: string) => {
      setMessage(why);
      void refresh();
    },
    [refresh],
  );

  if (!status) return <main className="app">{message ?? 'Connecting to the station…'}</main>;
  if (!signedIn)
    return (
      <div className="app">
        {!connected && <div className="banner" role="alert">The connection to the station was lost: reconnecting…</div>}
        <SignIn status={status} onSignedIn={() => void refresh()} message={message} />
      </div>
    );

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Ballot Intake Station</span>
        <span>
          {status.station ?? 'station?'} · {status.electionName ?? status.election ?? 'no election set'}
        </span>
        <nav aria-label="Screens">
          {allowed.map((s) => (
            <button key={s.name} aria-current={screen === s.name ? 'page' : undefined} onClick={() => setScreen(s.name)} title={s.key}>
              {s.label} <span className="muted">{s.key}</span>
            </button>
          ))}
        </nav>
        <span aria-label="Scanners">
          {Object.entries(scanners).map(([name, state]) => (
            <span key={name} title={`${name}: ${state}`} data-scanner={name} data-state={state}>
              <span className={`light ${state}`} />
              {name}{' '}
            </span>
          ))}
        </span>
        <span className="who">
          {signedIn.name} ({signedIn.role}){' '}
          <button
            onClick={() => {
              void api.call('session.signOut', {}).then(refresh);
            }}
          >
            Sign out
          </button>
        </span>
      </header>
      {!connected && <div className="banner" role="alert">The connection to the station was lost: reconnecting…</div>}
      {message && (
        <div className="banner" role="status">
          {message} <button onClick={() => setMessage(null)}>Dismiss</button>
        </div>
      )}
      <main>
        {screen === 'scan' && <Scan status={status} onAuthLost={onAuthLost} />}
        {screen === 'review' && <Review onAuthLost={onAuthLost} />}
        {screen === 'batches' && <Batches role={signedIn.role} onAuthLost={onAuthLost} />}
        {screen === 'roll' && <Roll role={signedIn.role} onAuthLost={onAuthLost} />}
        {screen === 'reports' && <Reports onAuthLost={onAuthLost} />}
        {screen === 'sync' && <Sync role={signedIn.role} onAuthLost={onAuthLost} />}
        {screen === 'settings' && <Settings onAuthLost={onAuthLost} onSaved={() => void refresh()} />}
      </main>
    </div>
  );
}
