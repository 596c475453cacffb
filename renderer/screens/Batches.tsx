import { useCallback, useEffect, useState } from 'react';
import type { Output } from '../../shared/api/contract.js';
import type { Role } from '../../shared/domain.js';
import { api, base64ToBytes, download } from '../api.js';
import { Feedback } from '../Feedback.js';
import { useCall } from '../useCall.js';

type Batch = Output<'batches.list'>[number];

export function Batches({ role, onAuthLost }: { role: Role; onAuthLost: (why: string) => void }) {
  const [batches, setBatches] = useState<Batch[]>([]);
  const [handCount, setHandCount] = useState('');
  const [shown, setShown] = useState<Output<'batches.show'> | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { error, run } = useCall(onAuthLost);

  const load = useCallback(() => void run(() => api.call('batches.list', {})).then((b) => b && setBatches([...b].reverse())), [run]);
  useEffect(load, [load]);

  const open = batches.find((b) => b.status === 'OPEN');
  const close = (batchId: string | null) => {
    const n = Number(handCount);
    if (handCount.trim() === '' || !Number.isInteger(n) || n < 0) return void setDone('Count the envelopes by hand and enter the number first.');
    void run(() => api.call('batches.close', { batchId, handCount: n })).then((b) => {
      if (!b) return;
      setDone(`Batch ${b.number} closed: scanned ${b.scannedCount ?? 0}, hand count ${b.handCount ?? '?'}, difference ${b.difference ?? 0}.`);
      setHandCount('');
      load();
    });
  };
  const coverSheet = (batchId: string) =>
    void run(() => api.call('batches.coverSheet', { batchId })).then((r) => r && download(r.filename, base64ToBytes(r.pdfBase64), 'application/pdf'));

  return (
    <div>
      <div className="card">
        <h2>Current tray</h2>
        {open ? (
          <p>
            Batch {open.number}: <strong>{open.count}</strong> envelopes, opened {new Date(open.openedAt).toLocaleString()} by {open.openedBy}
          </p>
        ) : (
          <p className="muted">No open batch: the next accepted envelope opens one.</p>
        )}
        {!open && <button onClick={() => void run(() => api.call('batches.open', {})).then(load)}>Open a batch now</button>}
        {role === 'supervisor' && (
          <div className="row">
            <label>
              Hand count
              <input name="handCount" inputMode="numeric" value={handCount} onChange={(e) => setHandCount(e.target.value)} />
            </label>
            {open && (
              <button className="primary" onClick={() => close(null)}>
                Close batch {open.number} with this hand count
              </button>
            )}
          </div>
        )}
        <Feedback note={done} error={error} />
      </div>
      <div className="card">
        <h2>Batches</h2>
        <table>
          <thead>
            <tr>
              <th>Batch</th>
              <th>Status</th>
              <th>Scanned</th>
              <th>Hand count</th>
              <th>Difference</th>
              <th>Closed</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {batches.map((b) => (
              <tr key={b.batchId}>
                <td>{b.number}</td>
                <td>{b.status}</td>
                <td>{b.scannedCount ?? b.count}</td>
                <td>{b.handCount ?? '—'}</td>
                <td className={b.difference ? 'error' : ''}>{b.difference ?? '—'}</td>
                <td>{b.closedAt ? `${new Date(b.closedAt).toLocaleString()} by ${b.closedBy ?? ''}` : ''}</td>
                <td>
                  <button onClick={() => void run(() => api.call('batches.show', { batchId: b.batchId })).then(setShown)}>Manifest</button>{' '}
                  <button onClick={() => coverSheet(b.batchId)}>Cover sheet</button>
                  {role === 'supervisor' && b.status === 'CLOSED' && b.handCount === null && <button onClick={() => close(b.batchId)}>Record hand count</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown && (
        <div className="card">
          <h2>
            Manifest of batch {shown.batch.number} ({shown.manifest.length})
          </h2>
          <table>
            <tbody>
              {shown.manifest.map((r) => (
                <tr key={r.seq}>
                  <td>{r.seq}</td>
                  <td>{r.ballotId}</td>
                  <td>
                    {r.lastName}, {r.firstName}
                  </td>
                  <td>{r.precinct}</td>
                  <td>{new Date(r.scannedAt).toLocaleTimeString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
