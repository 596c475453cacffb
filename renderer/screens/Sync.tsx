import { useCallback, useEffect, useState } from 'react';
import type { Output } from '../../shared/api/contract.js';
import type { Role } from '../../shared/domain.js';
import { api } from '../api.js';
import { Feedback } from '../Feedback.js';
import { useCall } from '../useCall.js';

export function Sync({ role, onAuthLost }: { role: Role; onAuthLost: (why: string) => void }) {
  const [items, setItems] = useState<Output<'sync.status'>>([]);
  const [token, setToken] = useState('');
  const [progress, setProgress] = useState<string | null>(null);
  const [report, setReport] = useState<string | null>(null);
  const [dir, setDir] = useState('');
  const [layout, setLayout] = useState<'csv' | 'florida'>('csv');
  const [written, setWritten] = useState<string | null>(null);
  const { error, busy, run } = useCall(onAuthLost);
  const load = useCallback(() => void run(() => api.call('sync.status', {})).then((r) => r && setItems(r)), [run]);
  useEffect(() => {
    load();
    return api.on('syncProgress', (p) => setProgress(`${p.state}: ${p.sent}/${p.total} chunks${p.message ? ` — ${p.message}` : ''}`));
  }, [load]);
  const send = () =>
    void run(() => api.call('sync.run', { token })).then((r) => {
      if (r) setReport(`${r.acknowledged.length} acknowledged, ${r.rejected.length} rejected, ${r.waiting.length} still waiting`);
      load();
    });
  const toFolder = () =>
    void run(() => api.call('sync.toFolder', { dir, layout })).then((r) => {
      if (r) {
        const files = [...new Set(r.written.map((w) => w.file.split(/[\\/]/).pop()))];
        setWritten(`${files.length} file(s) written to ${r.folder}, each with a .sha256: ${files.join(', ') || 'nothing was waiting'}`);
      }
      load();
    });
  return (
    <div>
      {role === 'supervisor' && (
        <div className="card row" aria-label="Write to a folder">
          <label>
            Folder or removable drive (states that take uploads)
            <input name="syncDir" value={dir} onChange={(e) => setDir(e.target.value)} placeholder="/media/usb" />
          </label>
          <label>
            Layout
            <select name="syncLayout" value={layout} onChange={(e) => setLayout(e.target.value as 'csv' | 'florida')}>
              <option value="csv">a CSV file per batch</option>
              <option value="florida">Florida daily absentee-status file</option>
            </select>
          </label>
          <button onClick={toFolder} disabled={!dir || busy}>
            Write files
          </button>
          {written && (
            <span className="ok" role="status">
              {written}
            </span>
          )}
        </div>
      )}
      {role === 'supervisor' && (
        <div className="card row">
          <label>
            State API token (not stored)
            <input name="token" type="password" value={token} onChange={(e) => setToken(e.target.value)} />
          </label>
          <button className="primary" onClick={send} disabled={!token || busy}>
            Send closed batches now
          </button>
          {progress && <span role="status">{progress}</span>}
          {report && <span className="ok">{report}</span>}
        </div>
      )}
      <div className="card">
        <h2>Sync status per batch</h2>
        <table>
          <thead>
            <tr>
              <th>Batch</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Next try</th>
              <th>State's acknowledgement / problem</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.batchId}>
                <td>{i.batchNumber ?? i.batchId}</td>
                <td className={i.status === 'rejected' ? 'error' : i.status === 'acknowledged' ? 'ok' : ''}>{i.status}</td>
                <td>{i.attempts}</td>
                <td>{i.nextAttemptAt ? new Date(i.nextAttemptAt).toLocaleTimeString() : ''}</td>
                <td>{i.ack ?? i.lastError ?? (i.errors ? JSON.stringify(i.errors) : '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && <p className="muted">No closed batch yet.</p>}
      </div>
      <Feedback error={error} />
    </div>
  );
}
