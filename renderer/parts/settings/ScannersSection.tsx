import { useState } from 'react';
import type { Output } from '../../../shared/api/contract.js';
import { api } from '../../api.js';
import { useAction } from '../../useApi.js';
import { Done, Problem } from '../Notes.js';
import { str } from './fields.js';
import { resultWords, saveSettings } from './save.js';
import { useAfterReload } from './after-reload.js';

type Configured = Record<string, unknown> & { id: string; name: string; kind: string };
type Found = Output<'scanners.discover'>['scanners'][number];

const hex = (n: unknown) => (typeof n === 'number' ? n.toString(16).padStart(4, '0') : '?');
const where = (s: Record<string, unknown>) => (s['kind'] === 'serial' ? str(s['path']) : `USB ${hex(s['vendorId'])}:${hex(s['productId'])}${s['serialNumber'] ? ` #${str(s['serialNumber'])}` : ''}`);
const KIND_WORDS: Record<string, string> = { serial: 'serial', 'hid-pos': 'USB (HID point of sale)', 'hid-keyboard': 'USB (keyboard mode)', 'hid-other': 'USB (unknown kind)' };

/** A discovered device as a scanner setting, with the defaults the station fills in. */
function fromFound(f: Found, n: number): Configured | null {
  const kind = str(f['kind']);
  const name = (str(f['product']) || str(f['knownVendor']) || `Scanner ${n}`).slice(0, 100);
  const id = `${kind}-${str(f['path']).replace(/[^A-Za-z0-9]+/g, '-')}`.slice(0, 100);
  if (kind === 'serial') return { kind, id, name, path: str(f['path']) };
  if (kind === 'hid-pos' || kind === 'hid-keyboard') return { kind, id, name, vendorId: Number(f['vendorId']), productId: Number(f['productId']), ...(f['serialNumber'] ? { serialNumber: str(f['serialNumber']) } : {}) };
  return null;
}

/** Configured scanners as a list; discovery as a table to add from; one Save (applied at restart). */
export function ScannersSection({ values, loaded, onSaved, onAuthLost }: { values: Record<string, unknown>; loaded: boolean; onSaved: () => void; onAuthLost: (why: string) => void }) {
  const stored = (values['scanners'] as Configured[] | undefined) ?? [];
  const [list, setList] = useState<Configured[] | null>(null);
  const afterReload = useAfterReload(values);
  const [found, setFound] = useState<Output<'scanners.discover'> | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const discover = useAction(onAuthLost);
  const shown = list ?? stored;

  const rename = (i: number, name: string) => setList(shown.map((s, j) => (j === i ? { ...s, name } : s)));
  const save = async () => {
    if (!list) return setOk('Nothing changed.');
    const words = resultWords(await saveSettings([{ key: 'scanners', label: 'Scanners', value: list }]));
    setOk(words.ok && `${words.ok} They are used from the next start of the station.`);
    setError(words.error);
    const sent = list;
    if (!words.error) afterReload(() => setList((l) => (l === sent ? null : l)));
    onSaved();
  };

  return (
    <section className="card settings-form" aria-labelledby="scanners-title">
      <h2 id="scanners-title">Scanners this station opens</h2>
      <table aria-label="Configured scanners">
        <thead>
          <tr>
            <th scope="col">Name (shown on screen)</th>
            <th scope="col">Kind</th>
            <th scope="col">Where</th>
            <th scope="col">
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((s, i) => (
            <tr key={s.id}>
              <td>
                <input aria-label={`Name of scanner ${i + 1}`} value={s.name} disabled={!loaded} onChange={(e) => rename(i, e.target.value)} />
              </td>
              <td>{KIND_WORDS[s.kind] ?? s.kind}</td>
              <td className="mono">{where(s)}</td>
              <td>
                <button type="button" onClick={() => setList(shown.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && <p className="muted">No scanner set up: keyboard-wedge scanners work without one.</p>}
      <div className="save-row">
        <button type="button" className="primary" disabled={!loaded} onClick={() => void save()}>
          Save scanners
        </button>
        <Done message={ok} testId="saved-scanners" />
        <button type="button" disabled={discover.busy} onClick={() => void discover.run(() => api.call('scanners.discover', {})).then((d) => d && setFound(d))}>
          Find plugged-in scanners
        </button>
      </div>
      <Problem message={error ?? discover.error} onDismiss={() => (setError(null), discover.dismiss())} testId="problem-scanners" />
      {found && (
        <>
          <h3>Plugged in now</h3>
          {found.warnings.map((w) => (
            <p key={w} className="warn">
              {w.charAt(0).toUpperCase() + w.slice(1)}.
            </p>
          ))}
          <table aria-label="Plugged-in scanners">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Kind</th>
                <th scope="col">Where</th>
                <th scope="col">
                  <span className="sr-only">Add</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {found.scanners.map((f, i) => {
                const cfg = fromFound(f, shown.length + 1);
                const added = cfg && shown.some((s) => s.id === cfg.id);
                return (
                  <tr key={str(f['path'])}>
                    <td>{[f['knownVendor'], f['manufacturer'], f['product']].map(str).filter(Boolean).join(' · ') || 'unknown device'}</td>
                    <td>{KIND_WORDS[str(f['kind'])] ?? str(f['kind'])}</td>
                    <td className="mono">{str(f['path'])}</td>
                    <td>
                      {cfg ? (
                        <button type="button" disabled={!!added} onClick={() => setList([...shown, cfg])} aria-label={`Add device ${i + 1}`}>
                          {added ? 'Added' : 'Add'}
                        </button>
                      ) : (
                        <span className="muted">not a scanner</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {found.scanners.length === 0 && <p className="muted">No scanner found.</p>}
        </>
      )}
    </section>
  );
}
