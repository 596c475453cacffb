import { useEffect, useState } from 'react';
import type { Output } from '../../shared/api/contract.js';
import type { Role } from '../../shared/domain.js';
import { api } from '../api.js';
import { Confirm, Done, Problem } from '../parts/Notes.js';
import { batchesWords, nextTryWords, rejectionWords, syncErrorWords, syncStatusWords } from '../parts/sync-words.js';
import { useAction, useQuery } from '../useApi.js';
import { localDateTime } from '../words.js';

type Item = Output<'sync.status'>[number];
type Pending = { kind: 'send' } | { kind: 'folder' } | { kind: 'uploaded'; item: Item };

const label = (i: Item) => `batch ${i.batchNumber ?? i.batchId}`;
const waiting = (items: Item[]) => items.filter((i) => i.status === 'pending' || i.status === 'sending' || i.status === 'written');

/** Ticks once a second while a retry time is on screen, so "next try in 40 s" counts down. */
function useNow(active: boolean): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

export function Sync({ role, onAuthLost }: { role: Role; onAuthLost: (why: string) => void }) {
  const status = useQuery(() => api.call('sync.status', {}), [], onAuthLost);
  const items = status.data ?? [];
  const [token, setToken] = useState('');
  const [dir, setDir] = useState('');
  const [layout, setLayout] = useState<'csv' | 'florida'>('csv');
  const [progress, setProgress] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [written, setWritten] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const send = useAction(onAuthLost);
  const folder = useAction(onAuthLost);
  const now = useNow(items.some((i) => i.nextAttemptAt));
  const reload = status.reload;

  useEffect(
    () =>
      api.on('syncProgress', (p) => {
        const batch = items.find((i) => i.batchId === p.batchId);
        const which = batch ? label(batch) : 'a batch';
        if (p.state === 'sending') setProgress(`Sending ${which}: ${p.sent} of ${p.total} parts taken by the state.`);
        else setProgress(null);
        reload();
      }),
    [items, reload],
  );

  const uncounted = waiting(items).filter((i) => i.handCount === null);
  // Before the batch list has arrived, nobody knows which trays lack a hand count: a send asked
  // for that early waits for the list, so its warning is never skipped by a quick Enter.
  const [early, setEarly] = useState<Pending | null>(null);
  const listed = status.data !== null;
  const ask = (p: Pending) => (!listed ? setEarly(p) : uncounted.length > 0 && p.kind !== 'uploaded' ? setPending(p) : run(p));
  useEffect(() => {
    if (!listed || !early) return;
    setEarly(null);
    ask(early);
  });

  const run = (p: Pending) => {
    setPending(null);
    if (p.kind === 'send')
      void send.run(() => api.call('sync.run', { token })).then((r) => {
        reload();
        if (!r) return setSent(null);
        const notSent = r.waiting.filter((w) => w.lastError);
        setSent(notSent.length > 0 || r.rejected.length > 0 ? null : `${r.acknowledged.length} received by the state${r.waiting.length ? `, ${r.waiting.length} still waiting` : ''}.`);
        if (notSent.length > 0 || r.rejected.length > 0) {
          const lines = notSent.map((w) => `B${label(items.find((i) => i.batchId === w.batchId) ?? ({ batchId: w.batchId, batchNumber: null } as Item)).slice(1)} was not sent: ${syncErrorWords(w.lastError ?? '')}${nextTryWords(w.nextAttemptAt)}`);
          if (r.rejected.length > 0) lines.push(`${r.rejected.length} batch(es) refused by the state: see the table below.`);
          send.setError(lines.join(' '));
        }
      });
    if (p.kind === 'folder')
      void folder.run(() => api.call('sync.toFolder', { dir, layout })).then((r) => {
        reload();
        if (!r) return setWritten(null);
        const files = [...new Set(r.written.map((w) => w.file.split(/[\\/]/).pop() ?? ''))];
        setWritten(files.length === 0 ? 'Nothing was waiting: no file written.' : `${files.length === 1 ? '1 file' : `${files.length} files`} written to ${r.folder}, each with a .sha256 beside it. Upload them to the state, then mark each batch uploaded below.`);
      });
    if (p.kind === 'uploaded') void folder.run(() => api.call('sync.confirmUpload', { batchId: p.item.batchId })).then(reload);
  };

  return (
    <div className="sup-screen">
      <h1>Sync with the state</h1>
      {role === 'supervisor' && (
        <div className="card">
          <h2>Send to the state's system</h2>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              ask({ kind: 'send' });
            }}
          >
            <label>
              State API token (not stored)
              <input name="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
            </label>
            <button className="primary" type="submit" disabled={!token || send.busy}>
              Send closed batches now
            </button>
            <Done message={send.busy ? 'Sending…' : (progress ?? sent)} testId="sync-sent" />
          </form>
          <Problem message={send.error} onDismiss={send.dismiss} testId="sync-send-problem" />
        </div>
      )}
      {role === 'supervisor' && (
        <div className="card">
          <h2>Or write files for upload (states that take files)</h2>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              ask({ kind: 'folder' });
            }}
          >
            <label>
              Folder or removable drive
              <input name="syncDir" size={30} value={dir} onChange={(e) => setDir(e.target.value)} placeholder="/media/usb" />
            </label>
            <label>
              Layout
              <select name="syncLayout" value={layout} onChange={(e) => setLayout(e.target.value as 'csv' | 'florida')}>
                <option value="csv">a CSV file per batch</option>
                <option value="florida">Florida daily absentee-status file</option>
              </select>
            </label>
            <button type="submit" disabled={!dir || folder.busy}>
              Write files
            </button>
          </form>
          <Done message={written} testId="sync-written" />
          <Problem message={folder.error} onDismiss={folder.dismiss} testId="sync-folder-problem" />
        </div>
      )}
      <div className="card">
        <h2>Each closed batch</h2>
        <Problem message={status.error} onDismiss={reload} />
        <table aria-label="Sync status per batch">
          <thead>
            <tr>
              <th scope="col">Batch</th>
              <th scope="col">Hand count</th>
              <th scope="col">Where it is</th>
              <th scope="col">Tries</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.batchId} data-batch={i.batchNumber ?? ''} data-status={i.status}>
                <td>{i.batchNumber ?? i.batchId}</td>
                <td>{i.handCount ?? <span className="warn">⚠ not counted</span>}</td>
                <td className={i.status === 'rejected' ? 'error' : i.status === 'acknowledged' ? 'ok' : i.status === 'written' || i.lastError ? 'warn' : ''}>{syncStatusWords(i)}</td>
                <td>{i.attempts}</td>
                <td>
                  <SyncDetail item={i} now={now} />
                  {role === 'supervisor' && i.status === 'written' && (
                    <button type="button" onClick={() => setPending({ kind: 'uploaded', item: i })}>
                      Mark uploaded
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && !status.loading && <p className="muted">No closed batch yet.</p>}
      </div>
      {pending && pending.kind !== 'uploaded' && (
        <Confirm title={`${batchesWords(uncounted.length)} no hand count`} confirmLabel={pending.kind === 'send' ? 'Send them anyway (Enter)' : 'Write them anyway (Enter)'} onConfirm={() => run(pending)} onCancel={() => setPending(null)}>
          <p>Nobody recorded how many envelopes are in {uncounted.map(label).join(', ')}. The state gets the scanned count only.</p>
          <p>Count the trays on the Batches screen first, unless the count cannot be done today.</p>
        </Confirm>
      )}
      {pending?.kind === 'uploaded' && (
        <Confirm title={`Has ${label(pending.item)} reached the state?`} confirmLabel="Yes, it was uploaded (Enter)" onConfirm={() => run(pending)} onCancel={() => setPending(null)}>
          <p>
            Mark it uploaded only once the state's site has taken the file <strong>{pending.item.file?.file}</strong>. The station then counts the batch as delivered and never writes it again.
          </p>
        </Confirm>
      )}
    </div>
  );
}

function SyncDetail({ item: i, now }: { item: Item; now: Date }) {
  return (
    <div className="sync-detail">
      {i.file && i.status === 'written' && (
        <div>
          File <strong>{i.file.file}</strong> in {i.file.folder}, written {localDateTime(i.file.writtenAt)} by {i.file.writtenBy}
          <div className="hash">SHA-256 {i.file.sha256}</div>
        </div>
      )}
      {i.status === 'acknowledged' && <div>{i.ack?.startsWith('file:') ? `File ${i.ack.slice(5).replace(' sha256:', ', SHA-256 ')}` : `State's receipt ${i.ack ?? ''}`}{i.acknowledgedAt ? `, ${localDateTime(i.acknowledgedAt)}` : ''}</div>}
      {i.lastError && i.status !== 'rejected' && (
        <div className="warn">
          {syncErrorWords(i.lastError)}
          {nextTryWords(i.nextAttemptAt, now)}
        </div>
      )}
      {i.status === 'rejected' && (
        <ul className="error">
          {rejectionWords(i.errors).map((l, n) => (
            <li key={n}>{l}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
