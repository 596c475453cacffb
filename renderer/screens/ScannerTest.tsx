import { useEffect, useState } from 'react';
import type { Output } from '../../shared/api/contract.js';
import type { EventPayload } from '../../shared/api/events.js';
import { WEDGE_DEFAULTS } from '../../shared/scanner/wedge.js';
import { api } from '../api.js';
import { liveTest, WEDGE_SETTINGS_CHANGED, type WedgeSettings } from '../intake.js';
import { playRefused, playVerdict } from '../sounds.js';
import { Feedback } from '../Feedback.js';
import { useAction } from '../useApi.js';
import { localTime } from '../words.js';

type TestScan = EventPayload<'scannerTest'> & { rhythmMs?: number | null };
const TEST_SECONDS = 60;

/**
 * Settings → Scanner live test: each configured scanner's state, the keyboard-wedge timing, and a
 * live test (finding the devices on this machine is in the scanners' form above). While the test runs (a minute, or until ended), scans from serial and HID scanners
 * and keyboard-wedge bursts are shown here with their symbology and never recorded as receipts.
 */
export function ScannerTest({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  const [statuses, setStatuses] = useState<Output<'scanners.status'>>([]);
  const [until, setUntil] = useState<string | null>(null);
  const [scans, setScans] = useState<TestScan[]>([]);
  const { error, run } = useAction(onAuthLost);

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

  // The window's wedge detector (renderer/intake.ts) hands its bursts here while the test runs.
  useEffect(() => {
    if (!until) return;
    liveTest.route = (w) => {
      const fault = w.cut ? 'read only in part: scan again' : undefined;
      setScans((list) => [{ scannerId: 'keyboard-wedge', text: w.text, at: new Date().toISOString(), rhythmMs: w.rhythmMs, ...(fault ? { fault } : {}) }, ...list].slice(0, 20));
    };
    return () => {
      liveTest.route = null;
    };
  }, [until]);

  useEffect(() => {
    if (scans[0]) (scans[0].fault ? playRefused : () => playVerdict('accept'))();
  }, [scans]);

  const test = (seconds: number) => {
    void run(() => api.call('scanners.test', { seconds })).then((r) => {
      if (!r) return;
      setUntil(r.until);
      if (seconds > 0) setScans([]);
    });
  };

  return (
    <section className="card" aria-labelledby="scanners-heading">
      <h2 id="scanners-heading">Scanner live test and timing</h2>
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
      </div>
      {until && (
        <p className="warn" role="status" data-testid="scanner-test-on">
          Live test until {localTime(until)}: scans are shown here and NOT recorded. Scan any barcode.
        </p>
      )}
      {scans.length > 0 && (
        <table aria-label="Test scans">
          <thead>
            <tr>
              <th>Scanner</th>
              <th>Read</th>
              <th>Symbology</th>
              <th>Per key</th>
              <th>Time</th>
            </tr>
          </thead>
          <tbody>
            {scans.map((s, i) => (
              <tr key={`${s.at}-${i}`}>
                <td>{s.scannerId}</td>
                <td>
                  <bdi>
                    <code>{s.text}</code>
                  </bdi>
                  {s.fault ? ` (${s.fault})` : ''}
                </td>
                <td>{s.symbology ?? ''}</td>
                <td>{s.rhythmMs !== undefined && s.rhythmMs !== null ? `${Math.round(s.rhythmMs)} ms` : ''}</td>
                <td>{localTime(s.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <WedgeTiming />
      <Feedback error={error} />
    </section>
  );
}

const TERMINATORS: { value: WedgeSettings['terminator']; label: string }[] = [
  { value: 'either', label: 'Enter or Tab (most scanners)' },
  { value: 'Enter', label: 'Enter' },
  { value: 'Tab', label: 'Tab' },
  { value: 'none', label: 'None: the code ends when the keys stop' },
];

/** The keyboard-wedge scanner's timing on this station: what ends its code, its longest gap, and the rhythm learned from it. */
function WedgeTiming() {
  const [w, setW] = useState<WedgeSettings>({ terminator: WEDGE_DEFAULTS.terminator, maxGapMs: WEDGE_DEFAULTS.maxGapMs });
  const [note, setNote] = useState<string | null>(null);
  const [rhythm, setRhythm] = useState<number | null>(liveTest.rhythm());
  const { error, run } = useAction(() => undefined);
  useEffect(() => {
    void api.call('settings.get', {}).then((all) => {
      const saved = all['keyboardWedge'];
      if (saved) setW(saved);
    });
    const t = setInterval(() => setRhythm(liveTest.rhythm()), 1000);
    return () => clearInterval(t);
  }, []);
  const save = () =>
    void run(() => api.call('settings.set', { key: 'keyboardWedge', value: w })).then((r) => {
      if (!r) return;
      setNote('Keyboard-wedge timing saved.');
      window.dispatchEvent(new Event(WEDGE_SETTINGS_CHANGED));
    });
  return (
    <fieldset className="wedge-timing">
      <legend>Keyboard-wedge scanner timing</legend>
      <p className="muted" data-testid="wedge-rhythm">
        {rhythm !== null ? `Recent keyboard-wedge scans on this station: about ${Math.round(rhythm)} ms per key (each test scan shows its own above).` : 'No keyboard-wedge scan since this timing was set: scan a barcode to see its rhythm.'}{' '}
        Scanners up to {Math.floor((w.maxGapMs * 2) / 3)} ms per key are recognised; for a slower one, set a longer pause.
      </p>
      <div className="row">
        <label>
          The scanner ends each code with
          <select name="wedge-terminator" value={w.terminator} onChange={(e) => setW({ ...w, terminator: e.target.value as WedgeSettings['terminator'] })}>
            {TERMINATORS.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Longest pause inside one code (ms)
          <input name="wedge-max-gap" type="number" min={20} max={500} value={w.maxGapMs} onChange={(e) => setW({ ...w, maxGapMs: Number(e.target.value) })} />
        </label>
        <button onClick={save}>Save scanner timing</button>
      </div>
      <Feedback note={note} error={error} />
    </fieldset>
  );
}
