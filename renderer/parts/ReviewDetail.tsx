import type { Output } from '../../shared/api/contract.js';
import type { CureState } from '../../shared/domain.js';
import { CURE_CODE_WORDS, CURE_STATE_WORDS, localDateTime, VERDICT_WORDS } from '../words.js';
import { MOVE_WORDS, resolutionWords } from './review-words.js';
import { historyText, whenWords } from './plain-text.js';
import { BallotImages, scanSeqsOf } from './BallotImages.js';

type Detail = Output<'review.detail'>;

/** One queue item opened: who, what, what can be done (each with its key), and the history. */
export function ReviewDetail({ detail, receiptRule, onResolve, onMove, busy }: { detail: Detail; receiptRule: string | null; onResolve: (r: string) => void; onMove: (to: CureState) => void; busy: boolean }) {
  const b = detail.ballot;
  const nothing = detail.resolutions.length === 0 && detail.nextStates.length === 0;
  return (
    <div data-testid="review-detail">
      <h2 className="detail-name">{b ? <bdi>{`${b.lastName}, ${b.firstName}${b.middleName ? ` ${b.middleName}` : ''}`}</bdi> : 'Not on the roll'}</h2>
      {b && (
        <p className="muted">
          Ballot <bdi>{b.ballotId}</bdi> · voter <bdi>{b.voterId}</bdi>
          {b.precinct ? ` · precinct ${b.precinct}` : ''}
        </p>
      )}
      {detail.scan && (
        <p>
          <strong>{VERDICT_WORDS[detail.scan.verdict]}</strong>: scanned {localDateTime(detail.scan.scannedAt)} by <bdi>{detail.scan.operator}</bdi> at <bdi>{detail.scan.station}</bdi>
          {!b && (
            <>
              {' '}
              (the label read “<bdi>{detail.scan.raw}</bdi>”)
            </>
          )}
          .
        </p>
      )}
      {detail.scan?.verdict === 'LATE' && receiptRule && <p className="rule">{receiptRule}</p>}
      {detail.cureCase && (
        <p>
          Cure case {detail.cureCase.caseId}: <strong>{CURE_STATE_WORDS[detail.cureCase.state]}</strong> — {detail.cureCase.codes.map((c) => CURE_CODE_WORDS[c]).join(', ')}. Voter must cure by{' '}
          {detail.cureCase.deadline ? localDateTime(detail.cureCase.deadline) : 'no deadline set'}.
        </p>
      )}
      <div className="actions" aria-label="Actions">
        {detail.resolutions.map((r) => {
          const w = resolutionWords(r);
          return (
            <button key={r} type="button" disabled={busy} onClick={() => onResolve(r)} aria-keyshortcuts={w.key ? `Alt+${w.key.toUpperCase()}` : undefined}>
              {w.label} <kbd>Alt+{w.key.toUpperCase()}</kbd>
            </button>
          );
        })}
        {detail.nextStates.map((s) => {
          const w = MOVE_WORDS[s as CureState];
          return (
            <button key={s} type="button" disabled={busy} onClick={() => onMove(s as CureState)} aria-keyshortcuts={`Alt+${w.key.toUpperCase()}`}>
              {w.label} <kbd>Alt+{w.key.toUpperCase()}</kbd>
            </button>
          );
        })}
        {nothing && <p className="muted">Nothing left to do: this item is resolved.</p>}
      </div>
      <BallotImages seqs={b ? scanSeqsOf(b.history) : detail.scan ? [detail.scan.seq] : []} />
      <h3>History</h3>
      <ul className="history">
        {(b?.history ?? []).map((h, i) => (
          <li key={i}>
            <span className="when">{whenWords(h.at)}</span> {historyText(h.detail)}
          </li>
        ))}
      </ul>
    </div>
  );
}
