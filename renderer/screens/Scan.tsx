import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { Output } from '../../shared/api/contract.js';
import type { ScanOutcomeDto } from '../../shared/api/schemas.js';
import { verdictClass, type CureCode } from '../../shared/domain.js';
import { LoneKey, WEDGE_DEFAULTS, WedgeDetector } from '../../shared/scanner/wedge.js';
import { isEditable } from '../keys.js';
import { api } from '../api.js';
import type { Status } from '../App.js';
import { playAlarm, playVerdict } from '../sounds.js';
import { useCall } from '../useCall.js';

const ICONS = { accept: '✔', problem: '✖', rescan: '↻' } as const;

function announce(o: ScanOutcomeDto): string {
  const who = o.voterName ? `${o.voterName}${o.precinct ? `, precinct ${o.precinct}` : ''}` : '';
  const dup = o.duplicateOf ? ` Already received ${o.duplicateOf.at} at ${o.duplicateOf.station} by ${o.duplicateOf.operator}.` : '';
  return `${o.verdict.replace(/_/g, ' ')}. ${who}.${dup}`;
}

export function Scan({ status, onAuthLost }: { status: Status; onAuthLost: (why: string) => void }) {
  const [last, setLast] = useState<ScanOutcomeDto | null>(null);
  const [recent, setRecent] = useState<ScanOutcomeDto[]>([]);
  const [fault, setFault] = useState<string | null>(status.fault);
  const [keyed, setKeyed] = useState('');
  const [flagNote, setFlagNote] = useState<string | null>(null);
  const [profile, setProfile] = useState<Output<'cure.profile'> | null>(null);
  const shown = useRef(0);
  const { error, run } = useCall(onAuthLost);
  const detector = useRef(new WedgeDetector());
  const lone = useRef(new LoneKey());

  const show = useCallback((o: ScanOutcomeDto) => {
    if (o.seq <= shown.current) return; // our own scan also comes back as an event
    shown.current = o.seq;
    setLast(o);
    setFlagNote(null);
    setRecent((r) => [o, ...r].slice(0, 10));
    playVerdict(verdictClass(o.verdict));
  }, []);

  const submit = useCallback(
    (raw: string, how: { keyed: boolean; scanner: string }) => {
      if (fault) return;
      void run(() => api.call('scan.submit', { raw, keyed: how.keyed, scanner: how.scanner })).then((o) => o && show(o));
    },
    [fault, run, show],
  );

  useEffect(() => {
    void run(() => api.call('scan.recent', { limit: 10 })).then((r) => {
      if (r) {
        setRecent(r);
        shown.current = Math.max(0, ...r.map((x) => x.seq));
      }
    });
    void api.call('cure.profile', {}).then(setProfile, () => setProfile(null));
    const offVerdict = api.on('verdict', show);
    const offFault = api.on('stationFault', (f) => setFault(f.fault));
    return () => {
      offVerdict();
      offFault();
    };
  }, [run, show]);

  // The clerk is looking at envelopes: a stopped station sounds an alarm, again every 20 s.
  useEffect(() => {
    if (!fault) return;
    playAlarm();
    const again = setInterval(playAlarm, 20_000);
    return () => clearInterval(again);
  }, [fault]);

  const flag = useCallback(
    (code: CureCode) => {
      if (!last || (last.verdict !== 'ACCEPTED' && last.verdict !== 'LATE')) return;
      void run(() => api.call('cure.flag', { scanSeq: last.seq, codes: [code], reason: 'flagged at intake' })).then((c) => c && setFlagNote(`Flagged for cure: ${c.codes.join(', ')}`));
    },
    [last, run],
  );

  // The keyboard wedge: no text box needs focus; a person's typing in a field is never taken.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const editable = isEditable(e.target);
      const action = detector.current.key({ key: e.key, timeMs: e.timeStamp, targetIsEditable: editable, ctrlKey: e.ctrlKey, metaKey: e.metaKey });
      if (action.type === 'scan') {
        e.preventDefault();
        if (editable && action.removeFromField && e.target.value.endsWith(action.removeFromField)) {
          const field = e.target;
          field.value = field.value.slice(0, -action.removeFromField.length);
          if (field.name === 'keyed') setKeyed(field.value);
        }
        submit(action.text, { keyed: false, scanner: 'keyboard-wedge' });
        return;
      }
      // A cure-flag digit counts only when pressed alone: a wedge scanner's burst types digits too.
      const shortcut = !editable && profile !== null && /^[1-9]$/.test(e.key);
      if (lone.current.key(e.key, e.timeStamp, shortcut)) {
        setTimeout(() => {
          const key = lone.current.settle();
          const code = key && profile ? profile.codes[Number(key) - 1] : undefined;
          if (code) flag(code.code);
        }, WEDGE_DEFAULTS.maxGapMs * 3);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [submit, flag, profile]);

  const onKeyed = (e: FormEvent) => {
    e.preventDefault();
    if (keyed.trim()) submit(keyed.trim(), { keyed: true, scanner: 'keyed' });
    setKeyed('');
  };

  if (fault)
    return (
      <div className="fault" role="alert">
        STOP SCANNING. {fault}
      </div>
    );

  const kind = last ? verdictClass(last.verdict) : 'idle';
  return (
    <div>
      <section className={`verdict ${kind}`} aria-label="Last verdict" data-verdict={last?.verdict ?? ''} data-seq={last?.seq ?? 0}>
        {last ? (
          <>
            <div className="word">
              <span className="icon" aria-hidden="true">
                {ICONS[verdictClass(last.verdict)]}
              </span>
              {last.verdict.replace(/_/g, ' ')}
            </div>
            {last.voterName && (
              <div className="name">
                {last.voterName} {last.precinct && <span>· precinct {last.precinct}</span>}
              </div>
            )}
            {last.duplicateOf && (
              <div className="detail">
                Already received {new Date(last.duplicateOf.at).toLocaleString()} at {last.duplicateOf.station} by {last.duplicateOf.operator}
                {last.duplicateOf.batchNumber !== null ? `, batch ${last.duplicateOf.batchNumber}` : ''}
              </div>
            )}
            <div className="detail">{last.reason}</div>
            {last.batchNumber !== null && (
              <div className="detail">
                Tray: batch {last.batchNumber}, {last.batchCount} envelopes{last.batchClosed ? ' — FULL, closed: start a new tray' : ''}
              </div>
            )}
            {flagNote && <div className="detail">{flagNote}</div>}
          </>
        ) : (
          <div className="word">READY</div>
        )}
      </section>
      <div aria-live="assertive" className="sr-only" data-testid="live">
        {last ? announce(last) : ''}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row" style={{ marginTop: '1em' }}>
        <form className="card" onSubmit={onKeyed}>
          <label>
            Key in an unreadable barcode
            <input name="keyed" value={keyed} onChange={(e) => setKeyed(e.target.value)} autoComplete="off" />
          </label>
          <button type="submit">Record</button>
        </form>
        {profile && (
          <div className="card keys" aria-label="Cure flag keys">
            <div className="muted">Flag the envelope just scanned ({profile.name}):</div>
            {profile.codes.slice(0, 9).map((c, i) => (
              <div key={c.code}>
                <kbd>{i + 1}</kbd>
                <button onClick={() => flag(c.code)} disabled={!last || (last.verdict !== 'ACCEPTED' && last.verdict !== 'LATE')}>
                  {c.label}
                </button>
              </div>
            ))}
          </div>
        )}
      </div>
      <div className="card">
        <h2>Last scans</h2>
        <table>
          <thead>
            <tr>
              <th>#</th>
              <th>Verdict</th>
              <th>Ballot</th>
              <th>Voter</th>
              <th>Scanner</th>
              <th>Time</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((r) => (
              <tr key={r.seq}>
                <td>{r.seq}</td>
                <td>{r.verdict}</td>
                <td>{r.ballotId ?? r.raw}</td>
                <td>{r.voterName ?? ''}</td>
                <td>{r.scanner ?? ''}</td>
                <td>{new Date(r.scannedAt).toLocaleTimeString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
