import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { Output } from '../../shared/api/contract.js';
import type { ConfigKey } from '../../shared/config.js';
import { api } from '../api.js';
import { playVerdict, saveSoundSettings, soundSettings } from '../sounds.js';
import { Feedback } from '../Feedback.js';
import { useCall } from '../useCall.js';
import { ScannerTest } from './ScannerTest.js';

const FIELDS: { key: ConfigKey; label: string; json?: boolean }[] = [
  { key: 'station', label: 'Station name' },
  { key: 'election', label: 'Election ID' },
  { key: 'electionName', label: 'Election name' },
  { key: 'electionDate', label: 'Election date (YYYY-MM-DD)' },
  { key: 'receiptDeadline', label: 'Receipt deadline (ISO, with offset)' },
  { key: 'jurisdiction', label: 'Jurisdiction (county)' },
  { key: 'batchSize', label: 'Envelopes per batch', json: true },
  { key: 'stateProfile', label: 'State profile (generic, NC, CO, CA, WA, AZ, GA, PA)' },
  { key: 'imbMailerIds', label: 'IMb mailer IDs (JSON list)', json: true },
  { key: 'labelRule', label: 'Label rule (JSON)', json: true },
  { key: 'syncUrl', label: 'State API address' },
  { key: 'backupDir', label: 'Backup folder (second drive)' },
  { key: 'idleLockMinutes', label: 'Lock the screen after (minutes)', json: true },
  { key: 'scanners', label: 'Scanners (JSON list; restart to apply)', json: true },
];

export function Settings({ onAuthLost, onSaved }: { onAuthLost: (why: string) => void; onSaved: () => void }) {
  const [values, setValues] = useState<Record<string, string>>({});
  // The fields stay read-only until the station's settings have arrived, and a reload
  // never writes over what the supervisor has typed and not yet saved.
  const [loaded, setLoaded] = useState(false);
  const edited = useRef(new Set<string>());
  const [note, setNote] = useState<string | null>(null);
  const [operators, setOperators] = useState<Output<'operators.list'>>([]);
  const [newOp, setNewOp] = useState({ name: '', role: 'clerk' as 'clerk' | 'supervisor', pin: '' });
  const [sound, setSound] = useState(soundSettings());
  const [sample, setSample] = useState('');
  const [check, setCheck] = useState<string | null>(null);
  const { error, run } = useCall(onAuthLost);

  const load = useCallback(() => {
    void run(() => api.call('settings.get', {})).then((s) => {
      if (!s) return;
      const v: Record<string, string> = {};
      for (const f of FIELDS) {
        const x = s[f.key];
        if (x !== undefined) v[f.key] = f.json || typeof x === 'object' ? JSON.stringify(x) : String(x);
      }
      setValues((typed) => {
        for (const key of edited.current) v[key] = typed[key] ?? '';
        return v;
      });
      setLoaded(true);
    });
    void run(() => api.call('operators.list', {})).then((o) => o && setOperators(o));
  }, [run]);
  useEffect(load, [load]);

  const save = (key: string, json: boolean | undefined) => {
    let value: unknown = values[key] ?? '';
    if (json) {
      try {
        value = JSON.parse(String(value));
      } catch {
        return void setNote(`${key}: not valid JSON`);
      }
    }
    void run(() => api.call('settings.set', { key: key as never, value })).then((r) => {
      if (r) {
        edited.current.delete(key);
        setNote(`${key} saved`);
        onSaved();
      }
    });
  };
  const addOperator = (e: FormEvent) => {
    e.preventDefault();
    void run(() => api.call('operators.create', newOp)).then((o) => {
      if (o) {
        setNote(`${o.name} added as ${o.role}`);
        setNewOp({ name: '', role: 'clerk', pin: '' });
        load();
      }
    });
  };

  return (
    <div>
      <div className="card">
        <h2>Station</h2>
        {FIELDS.map((f) => (
          <div className="row" key={f.key}>
            <label style={{ flex: 1 }}>
              {f.label}
              <input
                name={`setting-${f.key}`}
                style={{ width: '100%' }}
                disabled={!loaded}
                value={values[f.key] ?? ''}
                onChange={(e) => {
                  edited.current.add(f.key);
                  setValues((typed) => ({ ...typed, [f.key]: e.target.value }));
                }}
              />
            </label>
            <button disabled={!loaded} onClick={() => save(f.key, f.json)}>
              Save
            </button>
          </div>
        ))}
        <div className="row">
          <label>
            Try a label against the rule above
            <input value={sample} onChange={(e) => setSample(e.target.value)} />
          </label>
          <button
            onClick={() => {
              let rule: unknown = null;
              try {
                rule = values['labelRule'] ? JSON.parse(values['labelRule']) : null;
              } catch {
                rule = null;
              }
              void run(() => api.call('settings.labelRuleCheck', { rule: rule as never, sample })).then((r) => r && setCheck(JSON.stringify(r['decode'])));
            }}
          >
            Check
          </button>
          {check && <code>{check}</code>}
        </div>
      </div>
      <div className="card">
        <h2>Operators</h2>
        <table>
          <tbody>
            {operators.map((o) => (
              <tr key={o.name}>
                <td>{o.name}</td>
                <td>{o.role}</td>
                <td>{o.lockedUntil ? `locked until ${o.lockedUntil}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form className="row" onSubmit={addOperator}>
          <label>
            Name
            <input name="newOperator" value={newOp.name} onChange={(e) => setNewOp({ ...newOp, name: e.target.value })} />
          </label>
          <label>
            Role
            <select name="newRole" value={newOp.role} onChange={(e) => setNewOp({ ...newOp, role: e.target.value as 'clerk' | 'supervisor' })}>
              <option value="clerk">clerk</option>
              <option value="supervisor">supervisor</option>
            </select>
          </label>
          <label>
            PIN
            <input name="newPin" type="password" inputMode="numeric" value={newOp.pin} onChange={(e) => setNewOp({ ...newOp, pin: e.target.value })} />
          </label>
          <button type="submit">Add operator</button>
        </form>
      </div>
      <ScannerTest onAuthLost={onAuthLost} />
      <div className="card row">
        <label>
          <input type="checkbox" checked={sound.muted} onChange={(e) => setSound({ ...sound, muted: e.target.checked })} /> Mute
        </label>
        <label>
          Volume
          <input type="range" min="0" max="1" step="0.1" value={sound.volume} onChange={(e) => setSound({ ...sound, volume: Number(e.target.value) })} />
        </label>
        <button onClick={() => saveSoundSettings(sound)}>Save sound</button>
        {(['accept', 'problem', 'rescan'] as const).map((k) => (
          <button key={k} onClick={() => playVerdict(k)}>
            Play “{k}”
          </button>
        ))}
      </div>
      <Feedback note={note} error={error} />
    </div>
  );
}
