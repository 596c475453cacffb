import { useState } from 'react';
import type { Output } from '../../shared/api/contract.js';
import type { Role } from '../../shared/domain.js';
import { api, base64ToBytes, download } from '../api.js';
import { Confirm, Problem } from '../parts/Notes.js';
import { useAction, useQuery } from '../useApi.js';
import { localDateTime, localTime } from '../words.js';
import { CountyBatches } from '../parts/county/CountyBatches.js';
import { CountyScope } from '../parts/county/CountyScope.js';

type Batch = Output<'batches.list'>[number];
interface Pending {
  batch: Batch;
  handCount: number;
}

const scannedOf = (b: Batch) => b.scannedCount ?? b.count;

/** `d` is the hand count less the scanned count, as the station records it. */
function differenceWords(d: number): string {
  if (d === 0) return 'they match';
  return d > 0 ? `${d} more counted by hand than scanned` : `${-d} fewer counted by hand than scanned`;
}

/** Trays: each row takes its own hand count; a count that differs from the scans is confirmed once. */
/** This station's trays, or (for a supervisor on a station in a county) every station's: docs/county.md. */
export function Batches({ role, onAuthLost }: { role: Role; onAuthLost: (why: string) => void }) {
  return (
    <CountyScope
      enabled={role === 'supervisor'}
      onAuthLost={onAuthLost}
      station={<StationBatches role={role} onAuthLost={onAuthLost} />}
      county={(down) => <CountyBatches onAuthLost={onAuthLost} onUnavailable={down} />}
    />
  );
}

function StationBatches({ role, onAuthLost }: { role: Role; onAuthLost: (why: string) => void }) {
  const list = useQuery(() => api.call('batches.list', {}), [], onAuthLost);
  const batches = [...(list.data ?? [])].reverse();
  const [counts, setCounts] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState<Pending | null>(null);
  const [done, setDone] = useState<{ text: string; mismatch: boolean } | null>(null);
  const [shown, setShown] = useState<Output<'batches.show'> | null>(null);
  const action = useAction(onAuthLost);
  const open = batches.find((b) => b.status === 'OPEN');

  const close = (batch: Batch, handCount: number) =>
    void action.run(() => api.call('batches.close', { batchId: batch.batchId, handCount })).then((b) => {
      setConfirming(null);
      if (!b) return;
      const d = b.difference ?? 0;
      const what = batch.status === 'OPEN' ? `Batch ${b.number} closed` : `Batch ${b.number}: hand count recorded`;
      setDone({
        mismatch: d !== 0,
        text: d === 0 ? `${what}: ${b.handCount ?? 0} counted by hand, ${b.scannedCount ?? 0} scanned, they match.` : `${what} with a difference: ${b.handCount ?? 0} counted by hand, ${b.scannedCount ?? 0} scanned (${differenceWords(d)}). The difference is recorded on the batch.`,
      });
      setCounts((c) => ({ ...c, [batch.batchId]: '' }));
      list.reload();
    });

  const submit = (batch: Batch) => {
    const typed = (counts[batch.batchId] ?? '').trim();
    const n = Number(typed);
    if (typed === '' || !/^\d+$/.test(typed) || n > 1_000_000) return void action.setError(`Batch ${batch.number}: count the envelopes in the tray by hand and type the number (0 or more).`);
    action.dismiss();
    if (n !== scannedOf(batch)) return void setConfirming({ batch, handCount: n });
    close(batch, n);
  };

  const coverSheet = (batchId: string) => void action.run(() => api.call('batches.coverSheet', { batchId })).then((r) => r && download(r.filename, base64ToBytes(r.pdfBase64), 'application/pdf'));
  const needsCount = (b: Batch) => role === 'supervisor' && (b.status === 'OPEN' || b.handCount === null);

  return (
    <div className="sup-screen">
      <h1>Batches</h1>
      <div className="card">
        <h2>Current tray</h2>
        {open ? (
          <p>
            Batch {open.number}: <strong>{open.count}</strong> envelopes, opened {localDateTime(open.openedAt)} by {open.openedBy}.
          </p>
        ) : (
          <p className="muted">No open batch: the next accepted envelope opens one.</p>
        )}
        {!open && (
          <button type="button" onClick={() => void action.run(() => api.call('batches.open', {})).then(list.reload)}>
            Open a batch now
          </button>
        )}
        {done && (
          <p className={done.mismatch ? 'warn-note' : 'ok'} role="status" data-testid="batch-closed">
            {done.mismatch ? '⚠ ' : ''}
            {done.text}
          </p>
        )}
        <Problem message={action.error ?? list.error} onDismiss={action.dismiss} testId="batches-problem" />
      </div>
      <div className="card">
        <h2>All batches</h2>
        <table aria-label="Batches">
          <thead>
            <tr>
              <th scope="col">Batch</th>
              <th scope="col">Status</th>
              <th scope="col">Scanned</th>
              <th scope="col">Hand count</th>
              <th scope="col">Difference</th>
              <th scope="col">Closed</th>
              <th scope="col">Papers</th>
            </tr>
          </thead>
          <tbody>
            {batches.map((b) => (
              <tr key={b.batchId} data-batch={b.number}>
                <td>{b.number}</td>
                <td>{b.status === 'OPEN' ? 'Open' : 'Closed'}</td>
                <td>{scannedOf(b)}</td>
                <td>
                  {needsCount(b) ? (
                    <span className="inline-form">
                      <input
                        name={`handCount-${b.number}`}
                        aria-label={`Hand count for batch ${b.number}`}
                        inputMode="numeric"
                        size={6}
                        value={counts[b.batchId] ?? ''}
                        onChange={(e) => setCounts((c) => ({ ...c, [b.batchId]: e.target.value }))}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter') {
                            e.preventDefault();
                            submit(b);
                          }
                        }}
                      />
                      <button type="button" onClick={() => submit(b)} disabled={action.busy}>
                        {b.status === 'OPEN' ? 'Close with this count' : 'Record count'}
                      </button>
                    </span>
                  ) : (
                    (b.handCount ?? <span className="muted">not counted</span>)
                  )}
                </td>
                <td className={b.difference ? 'warn' : ''}>{b.difference === null ? '' : b.difference === 0 ? 'none' : `⚠ ${differenceWords(b.difference)}`}</td>
                <td>
                  {b.closedAt && (
                    <>
                      {localDateTime(b.closedAt)} by <bdi>{b.closedBy ?? '?'}</bdi>
                    </>
                  )}
                </td>
                <td className="nowrap">
                  <button type="button" onClick={() => void action.run(() => api.call('batches.show', { batchId: b.batchId })).then(setShown)}>
                    Manifest
                  </button>{' '}
                  <button type="button" onClick={() => coverSheet(b.batchId)}>
                    Cover sheet
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {batches.length === 0 && !list.loading && <p className="muted">No batch yet.</p>}
      </div>
      {shown && (
        <div className="card">
          <h2>
            Manifest of batch {shown.batch.number} ({shown.manifest.length} envelopes)
          </h2>
          <table aria-label={`Manifest of batch ${shown.batch.number}`}>
            <thead>
              <tr>
                <th scope="col">Scan</th>
                <th scope="col">Ballot</th>
                <th scope="col">Voter</th>
                <th scope="col">Precinct</th>
                <th scope="col">Scanned at</th>
              </tr>
            </thead>
            <tbody>
              {shown.manifest.map((r) => (
                <tr key={r.seq}>
                  <td>{r.seq}</td>
                  <td>
                    <bdi>{r.ballotId}</bdi>
                  </td>
                  <td>
                    <bdi>{`${r.lastName}, ${r.firstName}`}</bdi>
                  </td>
                  <td>{r.precinct}</td>
                  <td>{localTime(r.scannedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {confirming && (
        <Confirm
          title={`The counts of batch ${confirming.batch.number} differ`}
          confirmLabel={`Record ${confirming.handCount}${confirming.batch.status === 'OPEN' ? ', close the tray' : ''} and keep the difference (Enter)`}
          onConfirm={() => close(confirming.batch, confirming.handCount)}
          onCancel={() => setConfirming(null)}
        >
          <p>
            You counted <strong>{confirming.handCount}</strong> envelopes by hand; the station scanned <strong>{scannedOf(confirming.batch)}</strong> ({differenceWords(confirming.handCount - scannedOf(confirming.batch))}).
          </p>
          <p>Count the tray again first. If the count is right, record it: the difference stays on the batch for the canvass.</p>
        </Confirm>
      )}
    </div>
  );
}
