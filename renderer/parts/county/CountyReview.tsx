import { useEffect, useState } from 'react';
import type { Output } from '../../../shared/api/contract.js';
import { CONFLICT_RESOLUTION_WORDS, type ConflictResolution } from '../../../shared/county/conflicts.js';
import type { Verdict } from '../../../shared/domain.js';
import { api } from '../../api.js';
import { useAction, useQuery } from '../../useApi.js';
import { localDateTime, VERDICT_WORDS } from '../../words.js';
import { Done, Problem } from '../Notes.js';
import { resolutionWords } from '../review-words.js';

type Item = Output<'county.queue'>['items'][number];
const PAGE = 100;

const label = (it: Item, r: string) => (it.kind === 'conflict' ? CONFLICT_RESOLUTION_WORDS[r as ConflictResolution] : resolutionWords(r).label);
const what = (it: Item) => (it.kind === 'conflict' ? 'Accepted at two stations' : (VERDICT_WORDS[it.verdict as Verdict] ?? it.verdict));

/**
 * The county review queue: every station's open problem envelopes and cross-station conflicts,
 * read from the hub. A supervisor here resolves any of them; another station's resolution is
 * recorded here and reaches that station through the hub.
 */
export function CountyReview({ onAuthLost, onUnavailable }: { onAuthLost: (why: string) => void; onUnavailable: (why: string) => void }) {
  const [offset, setOffset] = useState(0);
  const [station, setStation] = useState('');
  const [kind, setKind] = useState<'' | 'problem' | 'conflict'>('');
  const [open, setOpen] = useState<Item | null>(null);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const filter = { offset, limit: PAGE, ...(station ? { station } : {}), ...(kind ? { kind } : {}) };
  const q = useQuery(() => api.call('county.queue', filter), [offset, station, kind], onAuthLost);
  const action = useAction(onAuthLost);
  useEffect(() => {
    if (q.error) onUnavailable(q.error);
  }, [q.error, onUnavailable]);
  const items = q.data?.items ?? [];
  const total = q.data?.total ?? 0;

  const resolve = (it: Item, resolution: string) => {
    if (!reason.trim()) return action.setError('Type a reason first: every action is recorded with why.');
    const call =
      it.kind === 'conflict'
        ? api.call('county.resolveConflict', { conflictId: it.id, resolution: resolution as ConflictResolution, reason: reason.trim() }).then(() => `Conflict over ballot ${it.ballotId ?? ''}: ${label(it, resolution)}.`)
        : api.call('county.resolve', { station: it.station, scanSeq: it.id, resolution, reason: reason.trim() }).then((r) =>
            r.recordedHere ? `Scan ${it.id} of this station: ${label(it, resolution)}.` : `Scan ${it.id} of station ${it.station}: ${label(it, resolution)}. Recorded here; station ${it.station} applies it when it next hears from the hub.`,
          );
    void action.run(() => call).then((text) => {
      if (!text) return;
      setNote(text);
      setReason('');
      setOpen(null);
      q.reload();
    });
  };

  return (
    <div className="sup-screen review county-review">
      <h1>County review queue</h1>
      <div className="card filters" role="group" aria-label="Filters">
        <label>
          Show
          <select name="countyKind" value={kind} onChange={(e) => (setKind(e.target.value as typeof kind), setOffset(0))}>
            <option value="">problems and conflicts</option>
            <option value="problem">problem envelopes</option>
            <option value="conflict">accepted at two stations</option>
          </select>
        </label>
        <label>
          Station (ID)
          <input name="countyStation" size={10} value={station} onChange={(e) => (setStation(e.target.value.trim().toLowerCase()), setOffset(0))} />
        </label>
        <span className="total" data-testid="county-total">
          {total.toLocaleString()} in the county queue
        </span>
      </div>
      <Done message={note} testId="county-note" />
      <Problem message={action.error} onDismiss={action.dismiss} testId="county-problem" />
      <div className="review-body">
        <table className="county-queue" aria-label="County review queue">
          <thead>
            <tr>
              <th>Station</th>
              <th>Problem</th>
              <th>Ballot</th>
              <th>Voter</th>
              <th>Scanned</th>
              <th>Open</th>
            </tr>
          </thead>
          <tbody>
            {items.map((it) => (
              <tr key={`${it.kind}-${it.station}-${it.id}`} aria-current={open && open.kind === it.kind && open.station === it.station && open.id === it.id ? 'true' : undefined}>
                <td>{it.mine ? `${it.station} (here)` : it.station}</td>
                <td>{what(it)}</td>
                <td className="mono">
                  <bdi>{it.ballotId ?? it.raw}</bdi>
                </td>
                <td>{it.voterName ? <bdi>{it.voterName}</bdi> : <span className="muted">not on this station's roll</span>}</td>
                <td>{localDateTime(it.at)}</td>
                <td>
                  <button type="button" onClick={() => (setOpen(it), setNote(null), action.dismiss())} aria-label={`Open scan ${it.id} of station ${it.station}`}>
                    Open
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="card review-side">
          {open ? (
            <div data-testid="county-detail">
              <h2>
                {open.kind === 'conflict' ? `${what(open)}: ballot ${open.ballotId ?? ''}` : `${what(open)}: station ${open.station}, scan ${open.id}`}
              </h2>
              {open.reason && <p>{open.reason}</p>}
              {open.other && (
                <p>
                  First accepted at station {open.other.station} (scan {open.other.scanSeq}) {localDateTime(open.other.at)}; again at station {open.station} {localDateTime(open.at)}.
                </p>
              )}
              {open.operator && <p className="muted">Scanned by {open.operator}.</p>}
              <label>
                Reason (required)
                <input name="countyReason" value={reason} autoComplete="off" onChange={(e) => setReason(e.target.value)} />
              </label>
              {open.resolutions.map((r) => (
                <button key={r} type="button" disabled={action.busy} onClick={() => resolve(open, r)}>
                  {label(open, r)}
                </button>
              ))}
            </div>
          ) : (
            <p className="muted">Open an item to resolve it. Another station's envelope is resolved here and the hub carries it back to that station.</p>
          )}
        </div>
      </div>
      <div className="row">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          ← Previous {PAGE}
        </button>
        <span className="muted">
          {total === 0 ? 'Nothing waits for review in the county.' : `${offset + 1}–${Math.min(offset + PAGE, total)} of ${total.toLocaleString()}`}
        </span>
        <button type="button" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
          Next {PAGE} →
        </button>
      </div>
    </div>
  );
}
