import { useEffect, useState } from 'react';
import { api } from '../../api.js';
import { useQuery } from '../../useApi.js';
import { localDateTime } from '../../words.js';

const PAGE = 100;
const SYNC_WORDS: Record<string, string> = {
  pending: 'waiting to be sent',
  sending: 'being sent',
  acknowledged: 'the state has it',
  rejected: 'refused by the state',
};

/** Every station's batches, newest first, read from the hub, with who sent each to the state. */
export function CountyBatches({ onAuthLost, onUnavailable }: { onAuthLost: (why: string) => void; onUnavailable: (why: string) => void }) {
  const [offset, setOffset] = useState(0);
  const q = useQuery(() => api.call('county.batches', { offset, limit: PAGE }), [offset], onAuthLost);
  useEffect(() => {
    if (q.error) onUnavailable(q.error);
  }, [q.error, onUnavailable]);
  const total = q.data?.total ?? 0;
  return (
    <div className="sup-screen county-batches">
      <h1>County batches</h1>
      <div className="card">
        <table aria-label="County batches">
          <thead>
            <tr>
              <th>Station</th>
              <th>Batch</th>
              <th>Status</th>
              <th>Closed</th>
              <th>Scanned</th>
              <th>Hand count</th>
              <th>To the state</th>
            </tr>
          </thead>
          <tbody>
            {(q.data?.items ?? []).map((b) => (
              <tr key={b.batchId}>
                <td>{b.station === q.data?.station ? `${b.station} (here)` : b.station}</td>
                <td>{b.number ?? ''}</td>
                <td>{b.status === 'OPEN' ? 'open' : 'closed'}</td>
                <td>{b.closedAt ? localDateTime(b.closedAt) : ''}</td>
                <td>{b.scanned ?? ''}</td>
                <td>{b.handCount ?? <span className="muted">not counted</span>}</td>
                <td>{b.sync ? (SYNC_WORDS[b.sync] ?? b.sync) + (b.sentBy ? ` (sent by ${b.sentBy})` : '') : <span className="muted">not queued</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {total === 0 && <p className="muted">No station has opened a batch yet.</p>}
      </div>
      <div className="row">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          ← Previous {PAGE}
        </button>
        <span className="muted">{total > 0 ? `${offset + 1}–${Math.min(offset + PAGE, total)} of ${total.toLocaleString()}` : ''}</span>
        <button type="button" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
          Next {PAGE} →
        </button>
      </div>
    </div>
  );
}
