import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Input, Output } from '../../shared/api/contract.js';
import { commonResolutions } from '../../shared/cure/resolutions.js';
import { CURE_CODES, VERDICTS, type CureState, type Verdict } from '../../shared/domain.js';
import { api } from '../api.js';
import { CountyReview } from '../parts/county/CountyReview.js';
import { CountyScope } from '../parts/county/CountyScope.js';
import { Confirm, Done, Problem } from '../parts/Notes.js';
import { ReviewDetail } from '../parts/ReviewDetail.js';
import { MOVE_WORDS, resolutionWords } from '../parts/review-words.js';
import { useAction, useQuery } from '../useApi.js';
import { CURE_CODE_WORDS, CURE_STATE_WORDS, localDateTime, VERDICT_WORDS } from '../words.js';

type Item = Output<'review.queue'>['items'][number];
type Filter = Omit<Input<'review.queue'>, 'offset' | 'limit'>;
const PAGE = 200;
const ROW = 50;

const itemKey = (it: Item) => `${it.kind}-${it.id}`;

/**
 * The supervisor's queue, keyboard first: arrows move, Space picks, Enter opens and puts the
 * cursor in the reason; each action has an Alt key. Pages are fetched as they scroll into view.
 */
/** This station's queue, or (on a station in a county) every station's: docs/county.md. */
export function Review({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  return <CountyScope enabled onAuthLost={onAuthLost} station={<StationReview onAuthLost={onAuthLost} />} county={(down) => <CountyReview onAuthLost={onAuthLost} onUnavailable={down} />} />;
}

function StationReview({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  const [filter, setFilter] = useState<Filter>({});
  const [total, setTotal] = useState(0);
  const [pages, setPages] = useState<Map<number, Item[]>>(new Map());
  const [active, setActive] = useState(0);
  const [selected, setSelected] = useState<Item | null>(null);
  const [picked, setPicked] = useState<Map<number, Verdict>>(new Map());
  const [detail, setDetail] = useState<Output<'review.detail'> | null>(null);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [bulk, setBulk] = useState<string | null>(null);
  const { error, busy, run, setError, dismiss } = useAction(onAuthLost);
  const profile = useQuery(() => api.call('cure.profile', {}), [], onAuthLost);
  const parent = useRef<HTMLDivElement>(null);
  const reasonRef = useRef<HTMLInputElement>(null);
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

  /** A new filter is a new list: nothing picked, opened or half-typed carries over to it. */
  const changeFilter = (f: Filter) => {
    setFilter(f);
    setPicked(new Map());
    setReason('');
    setSelected(null);
    setDetail(null);
    setActive(0);
    setNote(null);
  };

  const virtual = useVirtualizer({ count: total, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 20 });
  const rows = virtual.getVirtualItems();
  useEffect(() => {
    for (const v of rows) {
      const page = Math.floor(v.index / PAGE);
      if (!pages.has(page)) loadPage(page, filter);
    }
  }, [rows, pages, filter, loadPage]);
  const itemAt = (i: number) => pages.get(Math.floor(i / PAGE))?.[i % PAGE];

  const open = (it: Item, focusReason = true) => {
    if (focusReason) setNote(null);
    setSelected(it);
    void run(() => api.call('review.detail', { kind: it.kind, id: it.id })).then(setDetail);
    if (focusReason) setTimeout(() => reasonRef.current?.focus(), 0);
  };
  const needReason = () => {
    if (reason.trim()) return false;
    setError('Type a reason first: every action is recorded with why.');
    reasonRef.current?.focus();
    return true;
  };
  const afterChange = (text: string) => {
    setNote(text);
    setReason('');
    reload();
    if (selected) open(selected, false);
  };
  const resolve = (resolution: string, seqs: number[]) => {
    if (needReason()) return;
    const words = resolutionWords(resolution).label;
    void run(() => api.call('review.resolve', { seqs, resolution, reason: reason.trim() })).then((r) => {
      setBulk(null);
      if (!r) return;
      if (r.failed.length > 0) setError(`${r.failed.length} not resolved: ${r.failed.map((f) => `scan ${f.seq}: ${f.error}`).join('; ')}`);
      setPicked(new Map());
      afterChange(`${r.resolved} ${r.resolved === 1 ? 'envelope' : 'envelopes'}: ${words}.`);
    });
  };
  const move = (to: CureState) => {
    const caseId = detail?.cureCase?.caseId;
    if (!caseId || needReason()) return;
    void run(() => api.call('cure.move', { caseId, to, reason: reason.trim() })).then((c) => c && afterChange(`Case ${c.caseId} is now: ${CURE_STATE_WORDS[c.state]}.`));
  };

  const pickedVerdicts = [...picked.values()];
  const bulkActions = commonResolutions(pickedVerdicts);

  // Alt+key runs the action with that key: in the list, in the reason field, anywhere here.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || document.querySelector('[role=alertdialog]')) return;
      const k = e.key.toLowerCase();
      const res = picked.size > 1 ? bulkActions.find((r) => resolutionWords(r).key === k) : detail?.resolutions.find((r) => resolutionWords(r).key === k);
      const to = picked.size > 1 ? undefined : detail?.nextStates.find((s) => MOVE_WORDS[s as CureState].key === k);
      if (!res && !to) return;
      e.preventDefault();
      if (res && picked.size > 1) {
        if (!needReason()) setBulk(res);
      } else if (res && selected) resolve(res, [selected.id]);
      else if (to) move(to as CureState);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const togglePick = (it: Item) => {
    if (it.kind !== 'problem' || !it.verdict) return;
    const v = it.verdict;
    setPicked((p) => {
      const n = new Map(p);
      if (n.has(it.id)) n.delete(it.id);
      else n.set(it.id, v);
      return n;
    });
  };
  const goTo = (i: number) => {
    const to = Math.max(0, Math.min(total - 1, i));
    setActive(to);
    virtual.scrollToIndex(to, { align: 'auto' });
  };
  const onGridKey = (e: KeyboardEvent) => {
    const it = itemAt(active);
    const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
    if (e.altKey) return;
    if (e.key in step) goTo(active + (step[e.key] ?? 0));
    else if (e.key === 'Home') goTo(0);
    else if (e.key === 'End') goTo(total - 1);
    else if (e.key === 'Enter' && it) open(it);
    else if (e.key === ' ' && it) togglePick(it);
    else return;
    e.preventDefault();
  };

  return (
    <div className="sup-screen review">
      <h1>Review queue</h1>
      <div className="card filters" role="group" aria-label="Filters">
        <label>
          Show
          <select name="kind" value={filter.kind ?? ''} onChange={(e) => changeFilter({ ...filter, kind: (e.target.value || undefined) as Filter['kind'] })}>
            <option value="">problems and cure cases</option>
            <option value="problem">problem envelopes</option>
            <option value="cure">cure cases</option>
          </select>
        </label>
        <label>
          Problem
          <select name="verdict" value={filter.verdict ?? ''} onChange={(e) => changeFilter({ ...filter, verdict: (e.target.value || undefined) as Filter['verdict'] })}>
            <option value="">any</option>
            {VERDICTS.filter((v) => v !== 'ACCEPTED').map((v) => (
              <option key={v} value={v}>
                {VERDICT_WORDS[v]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Cure problem
          <select name="cureCode" value={filter.cureCode ?? ''} onChange={(e) => changeFilter({ ...filter, cureCode: (e.target.value || undefined) as Filter['cureCode'] })}>
            <option value="">any</option>
            {CURE_CODES.map((c) => (
              <option key={c} value={c}>
                {CURE_CODE_WORDS[c]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Waiting more than (hours)
          <input name="olderThan" size={5} inputMode="numeric" onChange={(e) => changeFilter({ ...filter, olderThanHours: /^\d+$/.test(e.target.value) ? Number(e.target.value) : undefined })} />
        </label>
        <label>
          Cure due within (hours)
          <input name="dueWithin" size={5} inputMode="numeric" onChange={(e) => changeFilter({ ...filter, dueWithinHours: /^\d+$/.test(e.target.value) ? Number(e.target.value) : undefined })} />
        </label>
        <span data-testid="queue-total" className="total">
          {total.toLocaleString()} in the queue
        </span>
      </div>
      <p className="keys muted">
        <kbd>↑</kbd>
        <kbd>↓</kbd> move · <kbd>Space</kbd> pick · <kbd>Enter</kbd> open · <kbd>Alt</kbd>+key: the action on its button · <kbd>Esc</kbd> back to the list
      </p>
      <div className="review-body">
        <div
          ref={parent}
          className="queue"
          role="grid"
          aria-label="Review queue"
          aria-multiselectable="true"
          aria-rowcount={total + 1}
          tabIndex={0}
          aria-activedescendant={itemAt(active) ? `q-${active}` : undefined}
          onKeyDown={onGridKey}
        >
          <div className="qrow qhead" role="row" aria-rowindex={1}>
            <span role="columnheader">Pick</span>
            <span role="columnheader">Problem or case</span>
            <span role="columnheader">Ballot</span>
            <span role="columnheader">Voter</span>
            <span role="columnheader">Cure problems</span>
            <span role="columnheader">Scanned or due</span>
          </div>
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {rows.map((v) => {
              const it = itemAt(v.index);
              const isOpen = it && selected ? itemKey(selected) === itemKey(it) : false;
              return (
                <div
                  key={v.key}
                  id={`q-${v.index}`}
                  className={`qrow item${v.index === active ? ' active' : ''}`}
                  role="row"
                  aria-rowindex={v.index + 2}
                  aria-selected={it ? picked.has(it.id) && it.kind === 'problem' : false}
                  aria-current={isOpen ? 'true' : undefined}
                  style={{ top: v.start, height: ROW }}
                  onClick={() => {
                    setActive(v.index);
                    if (it) open(it, false);
                  }}
                >
                  {it ? (
                    <>
                      <span role="gridcell">
                        {it.kind === 'problem' && (
                          <input type="checkbox" tabIndex={-1} aria-label={`Pick scan ${it.id}`} checked={picked.has(it.id)} onClick={(e) => e.stopPropagation()} onChange={() => togglePick(it)} />
                        )}
                      </span>
                      <span role="gridcell">{it.kind === 'problem' ? (it.verdict ? VERDICT_WORDS[it.verdict] : '') : `Cure: ${CURE_STATE_WORDS[it.state as CureState] ?? it.state}`}</span>
                      <span role="gridcell" className="mono">
                        <bdi>{it.ballotId ?? it.raw}</bdi>
                      </span>
                      <span role="gridcell">{it.voterName ? <bdi>{it.voterName}</bdi> : <span className="muted">not on the roll</span>}</span>
                      <span role="gridcell">{it.codes.map((c) => CURE_CODE_WORDS[c]).join(', ')}</span>
                      <span role="gridcell">{it.deadline ? `due ${localDateTime(it.deadline)}` : localDateTime(it.at)}</span>
                    </>
                  ) : (
                    <span role="gridcell" className="muted">
                      loading…
                    </span>
                  )}
                </div>
              );
            })}
          </div>
          {total === 0 && <p className="muted empty">Nothing waits for review with these filters.</p>}
        </div>
        <div className="card review-side">
          <label>
            Reason (required for every action)
            <input
              ref={reasonRef}
              name="reason"
              value={reason}
              autoComplete="off"
              onChange={(e) => {
                setReason(e.target.value);
                if (error?.startsWith('Type a reason')) dismiss();
              }}
              onKeyDown={(e) => {
                if (e.key === 'Escape') parent.current?.focus();
              }}
            />
          </label>
          <Done message={note} testId="review-note" />
          <Problem message={error} onDismiss={dismiss} testId="review-problem" />
          {picked.size > 0 && (
            <div className="bulk" data-testid="bulk">
              <h2>{picked.size} picked</h2>
              {bulkActions.length === 0 ? (
                <p className="warn">The picked envelopes have no action in common: pick envelopes with the same kind of problem.</p>
              ) : (
                bulkActions.map((r) => {
                  const w = resolutionWords(r);
                  return (
                    <button key={r} type="button" disabled={busy} onClick={() => !needReason() && setBulk(r)}>
                      {w.label}: all {picked.size} <kbd>Alt+{w.key.toUpperCase()}</kbd>
                    </button>
                  );
                })
              )}
              <button type="button" onClick={() => setPicked(new Map())}>
                Clear the picks
              </button>
            </div>
          )}
          {detail && picked.size <= 1 && <ReviewDetail detail={detail} receiptRule={profile.data?.receiptRule ?? null} onResolve={(r) => selected && resolve(r, [selected.id])} onMove={move} busy={busy} />}
          {!detail && picked.size === 0 && <p className="muted">Open an item (Enter) to see the voter, the problem and what can be done.</p>}
        </div>
      </div>
      {bulk && (
        <Confirm title={`${resolutionWords(bulk).label}: ${picked.size} envelopes?`} confirmLabel={`Yes, all ${picked.size} (Enter)`} onConfirm={() => resolve(bulk, [...picked.keys()])} onCancel={() => setBulk(null)}>
          <p>
            This records “{resolutionWords(bulk).label}” for each of the {picked.size} picked envelopes, with the reason “{reason.trim()}”. It cannot be undone from here.
          </p>
        </Confirm>
      )}
    </div>
  );
}
