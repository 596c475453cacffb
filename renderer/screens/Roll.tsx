import { useEffect, useState, type FormEvent } from 'react';
import type { Output } from '../../shared/api/contract.js';
import type { Role } from '../../shared/domain.js';
import { api, rollSource } from '../api.js';
import { BallotImages, scanSeqsOf } from '../parts/BallotImages.js';
import { Problem } from '../parts/Notes.js';
import { historyText, whenWords } from '../parts/plain-text.js';
import { parseTypedDate } from '../../shared/typed-dates.js';
import { useAction } from '../useApi.js';
import { MailJourney } from '../parts/mail/MailJourney.js';
import { localDate, localDateTime } from '../words.js';

type Format = 'station' | 'nc-sbe' | 'ga-sos';
const STATION_FIELDS = ['ballot_id', 'voter_id', 'election_id', 'imb_mailer_id', 'imb_serial', 'last_name', 'first_name', 'middle_name', 'suffix', 'dob', 'res_address', 'res_city', 'res_zip', 'mail_address', 'mail_city', 'mail_state', 'mail_zip', 'precinct', 'ballot_style', 'issued_at', 'status', 'voted_other_method'];

export function Roll({ role, onAuthLost }: { role: Role; onAuthLost: (why: string) => void }) {
  return (
    <div className="sup-screen">
      <h1>Roll</h1>
      <Search onAuthLost={onAuthLost} />
      {role === 'supervisor' && <Import onAuthLost={onAuthLost} />}
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
  const { error, busy, run } = useAction(onAuthLost);

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
                  <td>
                    <bdi>{r.ballotId}</bdi>
                  </td>
                  <td>
                    <bdi>{r.voterId}</bdi>
                  </td>
                  <td>
                    <bdi>{r.name}</bdi>
                  </td>
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

const RECEIPT_VERDICTS = new Set(['ACCEPTED', 'LATE']);
type Ballot = Output<'roll.find'>[number];

/** The scan that stands as the ballot's receipt (not undone), if it came back. */
function receiptOf(b: Ballot) {
  const undone = new Set(b.history.filter((h) => h.event === 'undo').map((h) => h.seq));
  return [...b.history].reverse().find((h) => h.event === 'scan' && RECEIPT_VERDICTS.has(h.verdict ?? '') && !undone.has(h.seq)) ?? null;
}

const QUERY_LABELS = { name: 'Name (LAST, FIRST)', ballotId: 'Ballot ID', voterId: 'Voter ID', dob: 'Date of birth', address: 'Address' } as const;
type QueryKey = keyof typeof QUERY_LABELS;

function Search({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  const [q, setQ] = useState<Record<QueryKey, string>>({ name: '', ballotId: '', voterId: '', dob: '', address: '' });
  const [found, setFound] = useState<Output<'roll.find'> | null>(null);
  const { error, run, setError } = useAction(onAuthLost);
  const search = (e: FormEvent) => {
    e.preventDefault();
    const input: Partial<Record<QueryKey, string>> = {};
    for (const [k, v] of Object.entries(q) as [QueryKey, string][]) if (v.trim()) input[k] = v.trim();
    if (input.dob) {
      const d = parseTypedDate(input.dob);
      if (!d.ok) return setError(`Date of birth: ${d.error.charAt(0).toLowerCase()}${d.error.slice(1)}`);
      input.dob = d.value;
    }
    if (Object.keys(input).length === 0) return setError('Type a name, a ballot ID, a voter ID, a date of birth or an address.');
    void run(() => api.call('roll.find', input)).then((r) => r && setFound(r));
  };
  // A voter's ballots (a reissue makes several) shown together, under what tells two namesakes apart.
  const voters = new Map<string, Ballot[]>();
  for (const b of found ?? []) voters.set(b.voterId, [...(voters.get(b.voterId) ?? []), b]);
  return (
    <div className="card lookup">
      <h2>Find a voter (phone inquiries)</h2>
      <form className="row" onSubmit={search}>
        {(Object.keys(QUERY_LABELS) as QueryKey[]).map((k) => (
          <label key={k}>
            {QUERY_LABELS[k]}
            <input name={`find-${k}`} value={q[k]} autoComplete="off" placeholder={k === 'dob' ? 'month/day/year' : undefined} onChange={(e) => setQ({ ...q, [k]: e.target.value })} />
          </label>
        ))}
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      <Problem message={error} onDismiss={() => setError(null)} testId="lookup-problem" />
      {found && found.length === 0 && <p role="status">No matching voter.</p>}
      {found && found.length > 0 && (
        <p role="status" className="muted">
          {voters.size} {voters.size === 1 ? 'voter' : 'voters'} found.
        </p>
      )}
      {[...voters].map(([voterId, ballots]) => {
        const v = ballots[0];
        if (!v) return null;
        const address = [v.resAddress, v.resCity, v.resZip].filter(Boolean).join(', ');
        return (
          <section key={voterId} className="voter" aria-label={`${v.lastName}, ${v.firstName}, voter ${voterId}`} data-voter={voterId}>
            <h3>
              <bdi>{[`${v.lastName},`, v.firstName, v.middleName, v.suffix].filter(Boolean).join(' ')}</bdi>
            </h3>
            <p className="who">
              <span>born {v.dob ? v.dob.slice(0, 4) : 'year unknown'}</span>
              <bdi>{address || 'no address in the roll'}</bdi>
              <span>voter {voterId}</span>
              {v.precinct && <span>precinct {v.precinct}</span>}
            </p>
            {ballots.map((b) => (
              <BallotCard key={b.ballotId} b={b} onAuthLost={onAuthLost} />
            ))}
          </section>
        );
      })}
    </div>
  );
}

function BallotCard({ b, onAuthLost }: { b: Ballot; onAuthLost: (why: string) => void }) {
  const r = receiptOf(b);
  return (
    <div className="ballot" data-ballot={b.ballotId}>
      <p>
        Ballot <bdi className="mono">{b.ballotId}</bdi>, issued {b.issuedAt ? localDate(`${b.issuedAt.slice(0, 10)}T12:00:00`) : 'on an unknown date'}
        {b.status === 'CANCELLED' && <strong className="warn"> · cancelled</strong>}
        {b.voteMethod === 'IN_PERSON' && <span> · voted in person</span>}
      </p>
      {r ? (
        <p className="received" data-testid="received">
          <strong>Received</strong> {localDateTime(r.at)} at <bdi>{r.station ?? 'this station'}</bdi>
          {r.batchNumber ? `, batch ${r.batchNumber}` : ''}
          {r.by && (
            <>
              , scanned by <bdi>{r.by}</bdi>
            </>
          )}
          {r.verdict === 'LATE' ? ' (after the deadline: a supervisor decides)' : ''}.
        </p>
      ) : (
        <p className="muted">Not received at this office yet.</p>
      )}
      <BallotImages seqs={scanSeqsOf(b.history)} />
      <MailJourney ballotId={b.ballotId} onAuthLost={onAuthLost} />
      <details>
        <summary>Everything that happened to this ballot ({b.history.length})</summary>
        <ul className="history">
          {b.history.map((h, i) => (
            <li key={i}>
              <span className="muted">{whenWords(h.at)}</span> {historyText(h.detail)}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
