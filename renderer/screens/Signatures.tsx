import { useCallback, useEffect, useRef, useState } from 'react';
import '../images.css';
import type { Output } from '../../shared/api/contract.js';
import type { SignatureDecision } from '../../shared/api/methods/signatures.js';
import type { Role } from '../../shared/domain.js';
import { api } from '../api.js';
import { preload, readyUrl } from '../images.js';
import { Done, Problem } from '../parts/Notes.js';
import { AgreementReport } from '../parts/signatures/AgreementReport.js';
import { pairOfFollowing, pairOfItem, SignaturePair } from '../parts/signatures/SignaturePair.js';
import { DECISION_WORDS, EARLIER_LEVEL_WORDS, LEVEL_WORDS } from '../parts/signatures/words.js';
import { useAction, useQuery } from '../useApi.js';
import { localDateTime } from '../words.js';

type Next = Output<'signatures.next'>;
type Item = NonNullable<Next['item']>;
type Following = NonNullable<Next['following']>;
type Counts = Output<'signatures.queueCounts'>;

/** Marks for the time from a decision to the next pair on screen (read by the e2e test and its report). */
export const MARK_DECIDED = 'signature-decided';
export const MARK_SHOWN = 'signature-shown';
export const MEASURE_NEXT = 'signature-next';
/** …and to the next envelope's details (ballot, dates, earlier decisions): when the keys decide again. */
const MARK_DECIDED_READY = 'signature-decided-ready';
export const MEASURE_READY = 'signature-ready';

const shasOf = (i: {
  envelopeSha256: string | null;
  references?: { sha256: string }[];
  referenceSha256s?: string[];
}) => [
  ...(i.envelopeSha256 ? [i.envelopeSha256] : []),
  ...(i.references?.map((r) => r.sha256) ?? i.referenceSha256s ?? []),
];

/**
 * Signature review, built for speed: the envelope's signature beside those on file, one Alt key
 * per decision, the next pair's images fetched and decoded while this one is looked at.
 */
export function Signatures({ role, onAuthLost }: { role: Role; onAuthLost: (why: string) => void }) {
  const [tab, setTab] = useState<'review' | 'report'>('review');
  return (
    <div className="sup-screen signatures">
      <h1>Signature review</h1>
      {role === 'supervisor' && (
        <div role="tablist" aria-label="Signature review" className="tabs">
          <button role="tab" aria-selected={tab === 'review'} onClick={() => setTab('review')}>
            Review envelopes
          </button>
          <button role="tab" aria-selected={tab === 'report'} onClick={() => setTab('report')}>
            Sample audit report
          </button>
        </div>
      )}
      {tab === 'review' ? (
        <ReviewPane onAuthLost={onAuthLost} />
      ) : (
        <AgreementReport onAuthLost={onAuthLost} />
      )}
    </div>
  );
}

function ReviewPane({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  const [item, setItem] = useState<Item | null>(null);
  const [following, setFollowing] = useState<Following | null>(null);
  // The following pair, on screen from the moment of a decision until its details arrive.
  const [preview, setPreview] = useState<Following | null>(null);
  const [started, setStarted] = useState(false);
  const [reason, setReason] = useState('');
  const [zoomed, setZoomed] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const { error, busy, run, setError, dismiss } = useAction(onAuthLost);
  const counts = useQuery(() => api.call('signatures.queueCounts', {}), [], onAuthLost);
  const reasonRef = useRef<HTMLInputElement>(null);
  const deciding = useRef(false);

  const loadNext = useCallback(async () => {
    const n = await run(() => api.call('signatures.next', {}));
    setStarted(true);
    if (!n) return;
    // Normally already decoded (it was the "following" pair): then this costs nothing.
    if (n.item) await preload(shasOf(n.item));
    setItem(n.item);
    setPreview(null);
    setFollowing(n.following);
    if (n.following) void preload(shasOf(n.following));
    counts.reload();
  }, [run, counts.reload]);
  useEffect(() => {
    void loadNext();
  }, [loadNext]);

  const decide = async (d: SignatureDecision) => {
    if (!item || deciding.current || !item.decisions.includes(d)) return;
    const words = DECISION_WORDS[d];
    if (item.reasonRequiredFor.includes(d) && !reason.trim()) {
      setError(`Type a reason for “${words.label}” first: the state’s rules ask for one.`);
      reasonRef.current?.focus();
      return;
    }
    deciding.current = true;
    performance.clearMarks(MARK_SHOWN);
    performance.mark(MARK_DECIDED);
    performance.mark(MARK_DECIDED_READY);
    // Its pictures are already decoded: show them now, while the station records this decision.
    if (following && following.scanSeq !== item.scanSeq && shasOf(following).every((sha) => readyUrl(sha) !== null)) setPreview(following);
    try {
      const r = await run(() =>
        api.call('signatures.decide', {
          scanSeq: item.scanSeq,
          round: item.round,
          decision: d,
          referenceIds: item.references.map((x) => x.referenceId),
          ...(reason.trim() ? { reason: reason.trim() } : {}),
        }),
      );
      // Refused (someone else decided first, the hold ran out): the message stays; the next envelope comes.
      if (r) setNote(`Ballot ${item.ballotId}: ${words.past}${r.message === 'signature matches' ? '' : ` — ${r.message}`}.`);
      setReason('');
      await loadNext();
    } finally {
      deciding.current = false;
    }
  };

  useEffect(() => {
    if (performance.getEntriesByName(MARK_DECIDED_READY, 'mark').length === 0) return;
    performance.measure(MEASURE_READY, MARK_DECIDED_READY);
    performance.clearMarks(MARK_DECIDED_READY);
  }, [item]);

  const onShown = useCallback((seq: number) => {
    performance.mark(MARK_SHOWN, { detail: { seq } });
    if (performance.getEntriesByName(MARK_DECIDED, 'mark').length > 0) {
      performance.measure(MEASURE_NEXT, MARK_DECIDED, MARK_SHOWN);
      performance.clearMarks(MARK_DECIDED);
    }
  }, []);

  // Alt+key decides, Alt+Z zooms: anywhere on this screen, the reason field included.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const k = e.key.toLowerCase();
      if (k === 'z') {
        e.preventDefault();
        setZoomed((z) => !z);
        return;
      }
      const d = (Object.keys(DECISION_WORDS) as SignatureDecision[]).find((x) => DECISION_WORDS[x].key === k);
      if (!d) return;
      e.preventDefault();
      void decide(d);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const needsReason = item ? item.reasonRequiredFor.length > 0 : false;
  return (
    <>
      <QueueCounts counts={counts.data} />
      <Problem
        message={error ?? counts.error}
        onDismiss={() => (dismiss(), counts.reload())}
        testId="signature-problem"
      />
      <Done message={note} testId="signature-note" />
      {preview ? (
        <div className="signature-work" data-testid="signature-coming" aria-busy="true">
          <div className="signature-head">
            <span className="tier">Next envelope</span>
            <span className="muted">its ballot and dates are on the way…</span>
          </div>
          <SignaturePair pair={pairOfFollowing(preview)} zoomed={zoomed} onShown={onShown} />
        </div>
      ) : item ? (
        <div className="signature-work" data-testid="signature-item" data-level={item.level}>
          <div className="signature-head">
            <span className="tier" data-testid="tier">
              {LEVEL_WORDS[item.level]}
            </span>
            <span>
              Ballot <bdi className="mono">{item.ballotId}</bdi>
              {item.voterName && (
                <>
                  {' '}
                  · <bdi>{item.voterName}</bdi>
                </>
              )}{' '}
              · scanned {localDateTime(item.scannedAt)}
            </span>
          </div>
          <SignaturePair pair={pairOfItem(item)} zoomed={zoomed} onShown={onShown} />
          {item.earlier.length > 0 && (
            <ul className="earlier" aria-label="Earlier decisions on this envelope">
              {item.earlier.map((x, i) => (
                <li key={i}>
                  {EARLIER_LEVEL_WORDS[x.level] ?? x.level}:{' '}
                  <strong>{DECISION_WORDS[x.decision].label}</strong> — <bdi>{x.operator}</bdi>,{' '}
                  {localDateTime(x.decidedAt)}
                  {x.reason && (
                    <>
                      {' '}
                      (“<bdi>{x.reason}</bdi>”)
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
          <div className="decisions" role="group" aria-label="Decision">
            {item.decisions.map((d) => {
              const w = DECISION_WORDS[d];
              return (
                <button
                  key={d}
                  type="button"
                  className={`decision decision-${d}`}
                  disabled={busy}
                  onClick={() => void decide(d)}
                  aria-keyshortcuts={`Alt+${w.key.toUpperCase()}`}
                >
                  {w.label} <kbd>Alt+{w.key.toUpperCase()}</kbd>
                </button>
              );
            })}
            <button
              type="button"
              aria-pressed={zoomed}
              onClick={() => setZoomed((z) => !z)}
              aria-keyshortcuts="Alt+Z"
            >
              {zoomed ? 'Normal size' : 'Zoom'} <kbd>Alt+Z</kbd>
            </button>
          </div>
          <label className="reason">
            Reason
            {needsReason
              ? ` (required for: ${item.reasonRequiredFor.map((d) => DECISION_WORDS[d].label.toLowerCase()).join(', ')})`
              : ' (optional)'}
            <input
              ref={reasonRef}
              name="reason"
              value={reason}
              autoComplete="off"
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
        </div>
      ) : (
        started && <Empty counts={counts.data} onRefresh={() => void loadNext()} />
      )}
      <p className="keys muted">
        <kbd>Alt+M</kbd> matches · <kbd>Alt+N</kbd> does not match · <kbd>Alt+S</kbd> no signature ·{' '}
        <kbd>Alt+R</kbd> refer · <kbd>Alt+Z</kbd> zoom (or hover a picture)
      </p>
    </>
  );
}

function QueueCounts({ counts }: { counts: Counts | null }) {
  if (!counts) return null;
  // A blind sample is served as a first look and counted as one: a separate count would tell it apart.
  const cells: [string, number][] = [
    ['First look', counts.firstLevel + counts.samplePending],
    ['Second look', counts.secondLevel],
    ['Supervisor', counts.supervisor],
    ['No signature on file', counts.noSignatureOnFile],
    ['Decided today', counts.decidedToday],
  ];
  return (
    <dl className="queue-counts" aria-label="Envelopes waiting" data-testid="signature-counts">
      {cells.map(([label, n]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{n.toLocaleString()}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Nothing for this reviewer: say why, when others wait for someone else. */
function Empty({ counts, onRefresh }: { counts: Counts | null; onRefresh: () => void }) {
  const waiting = counts
    ? counts.firstLevel +
      counts.secondLevel +
      counts.supervisor +
      counts.noSignatureOnFile +
      counts.samplePending
    : 0;
  return (
    <div className="card" data-testid="signature-empty">
      <p>
        <strong>No envelope waits for your review.</strong>
      </p>
      {waiting > 0 && (
        <p data-testid="signature-others">
          {waiting === 1 ? '1 envelope waits' : `${waiting.toLocaleString()} envelopes wait`} for another
          reviewer: a second look or a blind sample is never given to the reviewer who made the first
          decision, and a supervisor’s decision needs a supervisor.
        </p>
      )}
      <button type="button" onClick={onRefresh}>
        Look again
      </button>
    </div>
  );
}
