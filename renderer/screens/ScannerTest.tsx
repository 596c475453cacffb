import { useEffect, useRef, useState } from 'react';
import type { Output } from '../../shared/api/contract.js';
import type { EventPayload } from '../../shared/api/events.js';
import { WedgeDetector } from '../../shared/scanner/wedge.js';
import { api } from '../api.js';
import { isEditable } from '../keys.js';
import { playVerdict } from '../sounds.js';
import { Feedback } from '../Feedback.js';
import { useCall } from '../useCall.js';

type TestScan = EventPayload<'scannerTest'>;
const TEST_SECONDS = 60;

/**
 * Settings → Scanners: each configured scanner's state, the devices found on this machine, and a
 * live test. While the test runs (a minute, or until ended), scans from serial and HID scanners
 * and keyboard-wedge bursts are shown here with their symbology and never recorded as receipts.
 */
export function ScannerTest({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  const [statuses, setStatuses] = useState<Output<'scanners.status'>>([]);
  const [found, setFound] = useState<Output<'scanners.discover'> | null>(null);
  const [until, setUntil] = useState<string | null>(null);
  const [scans, setScans] = useState<TestScan[]>([]);
  const detector = useRef(new WedgeDetector());
  const { error, run } = useCall(onAuthLost);

  useEffect(() => {
    void run(() => api.call('scanners.status', {})).then((s) => s && setStatuses(s));
    const offStatus = api.on('scannerStatus', (st) => setStatuses((list) => [...list.filter((x) => x.scannerId !== st.scannerId), st]));
    const offTest = api.on('scannerTest', (s) => setScans((list) => [s, ...list].slice(0, 20)));
    return () => {
      offStatus();
      offTest();
    };
  }, [run]);

  // The test ends by itself on the station; the screen follows.
  useEffect(() => {
    if (!until) return;
    const timer = setTimeout(() => setUntil(null), Math.max(0, Date.parse(until) - Date.now()));
    return () => clearTimeout(timer);
  }, [until]);

  // Leaving Settings ends the test: scans must go back to intake.
  useEffect(() => () => void api.call('scanners.test', { seconds: 0 }).catch(() => undefined), []);

  useEffect(() => {
    if (!until) return;
    const onKey = (e: KeyboardEvent) => {
      const action = detector.current.key({ key: e.key, timeMs: e.timeStamp, targetIsEditable: isEditable(e.target), ctrlKey: e.ctrlKey, metaKey: e.metaKey });
      if (action.type !== 'scan') return;
      e.preventDefault();
      setScans((list) => [{ scannerId: 'keyboard-wedge', text: action.text, at: new Date().toISOString() }, ...list].slice(0, 20));
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [until]);

  useEffect(() => {
    if (scans[0]) playVerdict(scans[0].fault ? 'rescan' : 'accept');
  }, [scans]);

  const test = (seconds: number) => {
    void run(() => api.call('scanners.test', { seconds })).then((r) => {
      if (!r) return;
      setUntil(r.until);
      if (seconds > 0) setScans([]);
    });
  };

  return (
    <div className="card" aria-label="Scanners">
      <h2>Scanners</h2>
      {statuses.length === 0 ? (
        <p className="muted">No serial or USB HID scanner is configured (a keyboard-wedge scanner needs no setting).</p>
      ) : (
        <table aria-label="Scanner states">
          <tbody>
            {statuses.map((s) => (
              <tr key={s.scannerId}>
                <td>
                  <span className={`light ${s.state}`} /> {s.name ?? s.scannerId}
                </td>
                <td data-testid={`scanner-state-${s.scannerId}`}>{s.state}</td>
                <td>{s.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row">
        {until ? (
          <button onClick={() => test(0)}>End the live test</button>
        ) : (
          <button onClick={() => test(TEST_SECONDS)}>Live test ({TEST_SECONDS} s)</button>
        )}
        <button onClick={() => void run(() => api.call('scanners.discover', {})).then((d) => d && setFound(d))}>Find scanners on this machine</button>
      </div>
      {until && (
        <p className="warn" role="status" data-testid="scanner-test-on">
          Live test until {new Date(until).toLocaleTimeString()}: scans are shown here and NOT recorded. Scan any barcode.
        </p>
      )}
      {scans.length > 0 && (
        <table aria-label="Test scans">
          <thead>
            <tr>
              <th>Scanner</th>
              <th>Read</th>
              <th>Symbology</th>
              <th>Time</th>
            </tr>
          </thead>
          <tbody>
            {scans.map((s, i) => (
              <tr key={`${s.at}-${i}`}>
                <td>{s.scannerId}</td>
                <td>
                  <code>{s.text}</code>
                  {s.fault ? ` (${s.fault})` : ''}
                </td>
                <td>{s.symbology ?? ''}</td>
                <td>{new Date(s.at).toLocaleTimeString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {found && (
        <>
          <table aria-label="Devices found">
            <tbody>
              {found.scanners.map((d, i) => (
                <tr key={i}>
                  <td>
                    <code>{JSON.stringify(d)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {found.scanners.length === 0 && <p>No serial port or HID device found.</p>}
          {found.warnings.map((w) => (
            <p key={w} className="warn">
              {w}
            </p>
          ))}
        </>
      )}
      <Feedback error={error} />
    </div>
  );
}
