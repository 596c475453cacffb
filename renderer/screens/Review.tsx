import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Input, Output } from '../../shared/api/contract.js';
import { CURE_CODES, VERDICTS } from '../../shared/domain.js';
import { api } from '../api.js';
import { Feedback } from '../Feedback.js';
import { useCall } from '../useCall.js';

type Item = Output<'review.queue'>['items'][number];
type Filter = Omit<Input<'review.queue'>, 'offset' | 'limit'>;
const PAGE = 200;
const ROW = 34;

/** The supervisor's queue: problem ballots and cure cases, fetched by page, rendered virtually. */
export function Review({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  const [filter, setFilter] = useState<Filter>({});
  const [total, setTotal] = useState(0);
  const [pages, setPages] = useState<Map<number, Item[]>>(new Map());
  const [selected, setSelected] = useState<Item | null>(null);
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [detail, setDetail] = useState<Output<'review.detail'> | null>(null);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const { error, run } = useCall(onAuthLost);
  const parent = useRef<HTMLDivElement>(null);
  const loading = useRef(new Set<number>());

  const loadPage = useCallback(
    (page: number, f: Filter) => {
      if (loading.current.has(page)) return;
      loading.current.add(page);
      void run(() => api.call('review.queue', { ...f, offset: page * PAGE, limit: PAGE })).then((r) => {
        if (!r) return;
        setTotal(r.total);
        setPages((p) => new Map(p).set(page, r.items));
      });
    },
    [run],
  );

  const reload = useCallback(() => {
    loading.current.clear();
    setPages(new Map());
    loadPage(0, filter);
  }, [filter, loadPage]);
  useEffect(reload, [reload]);

  const virtual = useVirtualizer({ count: total, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 20 });
  const items = virtual.getVirtualItems();
  useEffect(() => {
    for (const v of items) {
      const page = Math.floor(v.index / PAGE);
      if (!pages.has(page)) loadPage(page, filter);
    }
  }, [items, pages, filter, loadPage]);

  const open = (it: Item, keepNote = false) => {
    setSelected(it);
    if (!keepNote) setNote(null);
    void run(() => api.call('review.detail', { kind: it.kind, id: it.id })).then(setDetail);
  };
  const resolve = (resolution: string, seqs: number[]) => {
    if (!reason.trim()) return void setNote('A reason is required.');
    void run(() => api.call('review.resolve', { seqs, resolution, reason })).then((r) => {
      if (!r) return;
      setNote(`${r.resolved} resolved${r.failed.length ? `; ${r.failed.length} refused: ${r.failed.map((f) => f.error).join('; ')}` : ''}`);
      setPicked(new Set());
      setDetail(null);
      reload();
    });
  };
  const move = (to: string) => {
    if (!selected || !detail?.cureCase) return;
    if (!reason.trim()) return void setNote('A reason is required.');
    void run(() => api.call('cure.move', { caseId: detail.cureCase?.caseId ?? 0, to: to as Input<'cure.move'>['to'], reason })).then((c) => {
      if (!c) return;
      setNote(`Case ${c.caseId} is now ${c.state}`);
      open(selected, true);
      reload();
    });
  };

  const pickedItems = [...picked];
  return (
    <div>
      <div className="card row" aria-label="Filters">
        <label>
          Kind
          <select name="kind" value={filter.kind ?? ''} onChange={(e) => setFilter({ ...filter, kind: (e.target.value || undefined) as Filter['kind'] })}>
            <option value="">all</option>
            <option value="problem">problem scans</option>
            <option value="cure">cure cases</option>
          </select>
        </label>
        <label>
          Verdict
          <select name="verdict" value={filter.verdict ?? ''} onChange={(e) => setFilter({ ...filter, verdict: (e.target.value || undefined) as Filter['verdict'] })}>
            <option value="">any</option>
            {VERDICTS.filter((v) => v !== 'ACCEPTED').map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        <label>
          Cure code
          <select name="cureCode" value={filter.cureCode ?? ''} onChange={(e) => setFilter({ ...filter, cureCode: (e.target.value || undefined) as Filter['cureCode'] })}>
            <option value="">any</option>
            {CURE_CODES.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          Older than (hours)
          <input name="olderThan" inputMode="numeric" onChange={(e) => setFilter({ ...filter, olderThanHours: e.target.value ? Number(e.target.value) : undefined })} />
        </label>
        <label>
          Due within (hours)
          <input name="dueWithin" inputMode="numeric" onChange={(e) => setFilter({ ...filter, dueWithinHours: e.target.value ? Number(e.target.value) : undefined })} />
        </label>
        <span data-testid="queue-total">{total.toLocaleString()} in the queue</span>
      </div>
      <div className="row" style={{ alignItems: 'flex-start' }}>
        <div style={{ flex: 2, minWidth: '40em' }}>
          <div ref={parent} className="queue" role="listbox" aria-label="Review queue" aria-multiselectable="true">
            <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
              {items.map((v) => {
                const it = pages.get(Math.floor(v.index / PAGE))?.[v.index % PAGE];
                return (
                  <div
                    key={v.key}
                    className="item"
                    role="option"
                    aria-selected={it ? selected?.kind === it.kind && selected.id === it.id : false}
                    style={{ top: v.start, height: ROW }}
                    onClick={() => it && open(it)}
                  >
                    {it ? (
                      <>
                        <span>
                          {it.kind === 'problem' && (
                            <input
                              type="checkbox"
                              aria-label={`pick scan ${it.id}`}
                              checked={picked.has(it.id)}
                              onClick={(e) => e.stopPropagation()}
                              onChange={(e) => setPicked((p) => (e.target.checked ? new Set(p).add(it.id) : new Set([...p].filter((x) => x !== it.id))))}
                            />
                          )}{' '}
                          {it.kind === 'problem' ? `#${it.id}` : `case ${it.id}`}
                        </span>
                        <span>{it.verdict ?? it.state}</span>
                        <span>{it.ballotId ?? it.raw}</span>
                        <span title={it.voterName ?? ''}>{it.voterName ?? ''}</span>
                        <span title={it.codes.join(', ')}>{it.codes.join(', ')}</span>
                        <span title={it.deadline ? `due ${new Date(it.deadline).toLocaleString()}` : new Date(it.at).toLocaleString()}>
                          {it.deadline ? `due ${new Date(it.deadline).toLocaleDateString()}` : new Date(it.at).toLocaleDateString()}
                        </span>
                      </>
                    ) : (
                      <span className="muted">loading…</span>
                    )}
                  </div>
                );
              })}
            </div>
          </div>
        </div>
        <div className="card" style={{ flex: 1, minWidth: '24em' }}>
          <label>
            Reason (required for every action)
            <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          {pickedItems.length > 0 && (
            <div>
              {pickedItems.length} picked:{' '}
              {['void', 'forward', 'set-aside-duplicate', 'rescanned', 'reject-late'].map((r) => (
                <button key={r} onClick={() => resolve(r, pickedItems)}>
                  {r}
                </button>
              ))}
            </div>
          )}
          {detail && (
            <div data-testid="review-detail">
              {detail.ballot && (
                <h3>
                  {detail.ballot.lastName}, {detail.ballot.firstName} · {detail.ballot.ballotId}
                </h3>
              )}
              {detail.scan && (
                <p>
                  Scan {detail.scan.seq}: {detail.scan.verdict} — {detail.scan.reason}
                </p>
              )}
              {detail.cureCase && (
                <p>
                  Cure case {detail.cureCase.caseId}: {detail.cureCase.state} ({detail.cureCase.codes.join(', ')}), deadline{' '}
                  {detail.cureCase.deadline ? new Date(detail.cureCase.deadline).toLocaleString() : 'not set'}
                </p>
              )}
              <div>
                {detail.resolutions.map((r) => (
                  <button key={r} onClick={() => selected && resolve(r, [selected.id])}>
                    {r}
                  </button>
                ))}
                {detail.nextStates.map((s) => (
                  <button key={s} onClick={() => move(s)}>
                    → {s}
                  </button>
                ))}
              </div>
              <h4>History</h4>
              <ul>
                {(detail.ballot?.history ?? []).map((h, i) => (
                  <li key={i}>
                    {new Date(h.at).toLocaleString()}: {h.detail}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <Feedback note={note} error={error} />
        </div>
      </div>
    </div>
  );
}
