import { useEffect, useState, type FormEvent } from 'react';
import type { Output } from '../../shared/api/contract.js';
import type { Role } from '../../shared/domain.js';
import { api, rollSource } from '../api.js';
import { Feedback } from '../Feedback.js';
import { useCall } from '../useCall.js';

type Format = 'station' | 'nc-sbe' | 'ga-sos';
const STATION_FIELDS = ['ballot_id', 'voter_id', 'election_id', 'imb_mailer_id', 'imb_serial', 'last_name', 'first_name', 'middle_name', 'suffix', 'dob', 'res_address', 'res_city', 'res_zip', 'mail_address', 'mail_city', 'mail_state', 'mail_zip', 'precinct', 'ballot_style', 'issued_at', 'status', 'voted_other_method'];

export function Roll({ role, onAuthLost }: { role: Role; onAuthLost: (why: string) => void }) {
  return (
    <div>
      {role === 'supervisor' && <Import onAuthLost={onAuthLost} />}
      <Search onAuthLost={onAuthLost} />
    </div>
  );
}

function Import({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<Format>('station');
  const [election, setElection] = useState('');
  const [source, setSource] = useState<{ path: string } | { uploadId: string } | null>(null);
  const [preview, setPreview] = useState<Output<'roll.preview'> | null>(null);
  const [map, setMap] = useState<Record<string, string>>({});
  const [progress, setProgress] = useState<{ rows: number; rowsPerSecond: number; bytes: number; totalBytes: number | null; phase: string } | null>(null);
  const [result, setResult] = useState<Output<'roll.import'> | null>(null);
  const [rejects, setRejects] = useState<Output<'roll.rejects'> | null>(null);
  const { error, busy, run } = useCall(onAuthLost);

  useEffect(() => api.on('importProgress', setProgress), []);

  const options = () => ({ format, ...(election ? { election } : {}), ...(Object.keys(map).length ? { map } : {}) });
  const doPreview = async () => {
    if (!file) return;
    const src = source ?? (await run(() => rollSource(file)));
    if (!src) return;
    setSource(src);
    const p = await run(() => api.call('roll.preview', { source: src, ...options() }));
    if (p) setPreview(p);
  };
  const doImport = async (e: FormEvent) => {
    e.preventDefault();
    if (!source) return;
    setResult(null);
    const r = await run(() => api.call('roll.import', { source, ...options() }));
    if (r) {
      setResult(r);
      if (r.rejected > 0) setRejects(await run(() => api.call('roll.rejects', { limit: 200 })));
    }
  };
  const pct = progress?.totalBytes ? Math.min(100, (100 * progress.bytes) / progress.totalBytes) : 0;
  const eta = progress && progress.totalBytes && progress.bytes > 0 && progress.rowsPerSecond > 0 ? ((progress.totalBytes - progress.bytes) / progress.bytes) * (progress.rows / progress.rowsPerSecond) : null;

  return (
    <form className="card" onSubmit={(e) => void doImport(e)}>
      <h2>Import the roll</h2>
      <div className="row">
        <label>
          File
          <input
            name="rollFile"
            type="file"
            accept=".csv,.txt"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setSource(null);
              setPreview(null);
              setResult(null);
            }}
          />
        </label>
        <label>
          Layout
          <select name="format" value={format} onChange={(e) => setFormat(e.target.value as Format)}>
            <option value="station">Station CSV</option>
            <option value="nc-sbe">North Carolina absentee file</option>
            <option value="ga-sos">Georgia STATEWIDE.csv</option>
          </select>
        </label>
        <label>
          Election (GA: required)
          <input name="election" value={election} onChange={(e) => setElection(e.target.value)} />
        </label>
        <button type="button" onClick={() => void doPreview()} disabled={!file || busy}>
          Preview
        </button>
      </div>
      {preview && (
        <>
          {format === 'station' && (
            <details open={preview.rows.every((r) => !r.ok)}>
              <summary>Column mapping (file column → station field)</summary>
              <div className="row">
                {preview.headers.map((h) => (
                  <label key={h}>
                    {h}
                    <select value={map[h] ?? ''} onChange={(e) => setMap((m) => ({ ...m, [h]: e.target.value }))}>
                      <option value="">(as is)</option>
                      {STATION_FIELDS.map((f) => (
                        <option key={f} value={f}>
                          {f}
                        </option>
                      ))}
                    </select>
                  </label>
                ))}
              </div>
              <button type="button" onClick={() => void doPreview()}>
                Preview again
              </button>
            </details>
          )}
          <table aria-label="Preview">
            <thead>
              <tr>
                <th>Row</th>
                <th>Ballot</th>
                <th>Voter</th>
                <th>Name</th>
                <th>Status / problem</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((r) => (
                <tr key={r.rowNo}>
                  <td>{r.rowNo}</td>
                  <td>{r.ballotId}</td>
                  <td>{r.voterId}</td>
                  <td>{r.name}</td>
                  <td className={r.ok ? '' : 'error'}>{r.ok ? r.status : r.error}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button className="primary" type="submit" disabled={busy}>
            Import
          </button>
        </>
      )}
      {progress && busy && (
        <div role="status">
          <div className="progress">
            <div style={{ width: `${pct}%` }} />
          </div>
          {progress.phase}: {progress.rows.toLocaleString()} rows, {Math.round(progress.rowsPerSecond).toLocaleString()} rows/s
          {eta !== null ? `, about ${Math.ceil(eta)} s left` : ''}
        </div>
      )}
      {result && (
        <p className="ok" role="status" data-testid="import-result">
          Read {result.read}: {result.imported} new, {result.updated} updated, {result.unchanged} unchanged, {result.rejected} rejected.
        </p>
      )}
      {rejects && rejects.rows.length > 0 && (
        <table aria-label="Rejected rows">
          <tbody>
            {rejects.rows.map((r) => (
              <tr key={r.row}>
                <td>row {r.row}</td>
                <td className="error">{r.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function Search({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  const [q, setQ] = useState({ name: '', dob: '', voterId: '', address: '' });
  const [found, setFound] = useState<Output<'roll.find'> | null>(null);
  const { error, run } = useCall(onAuthLost);
  const search = (e: FormEvent) => {
    e.preventDefault();
    const input = Object.fromEntries(Object.entries(q).filter(([, v]) => v.trim() !== '')) as Record<string, string>;
    void run(() => api.call('roll.find', input)).then((r) => r && setFound(r));
  };
  return (
    <div className="card">
      <h2>Find a voter (phone inquiries)</h2>
      <form className="row" onSubmit={search}>
        {(['name', 'dob', 'voterId', 'address'] as const).map((k) => (
          <label key={k}>
            {{ name: 'Name (LAST, FIRST)', dob: 'Date of birth (YYYY-MM-DD)', voterId: 'Voter ID', address: 'Address' }[k]}
            <input name={`find-${k}`} value={q[k]} onChange={(e) => setQ({ ...q, [k]: e.target.value })} />
          </label>
        ))}
        <button type="submit">Search</button>
      </form>
      <Feedback error={error} />
      {found && found.length === 0 && <p>No matching voter.</p>}
      {found?.map((b) => (
        <div key={b.ballotId} className="card">
          <strong>
            {b.lastName}, {b.firstName}
          </strong>{' '}
          · ballot {b.ballotId} · voter {b.voterId} · {b.status} · issued {b.issuedAt ?? '?'}
          <ul>
            {b.history.map((h, i) => (
              <li key={i}>
                {new Date(h.at).toLocaleString()}: {h.detail}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
