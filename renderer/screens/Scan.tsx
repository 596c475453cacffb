import { useCallback, useEffect, useState, type FormEvent, type MouseEvent } from 'react';
import type { Output } from '../../shared/api/contract.js';
import type { ScanOutcomeDto } from '../../shared/api/schemas.js';
import { verdictClass, type CureCode } from '../../shared/domain.js';
import { api, errorText } from '../api.js';
import { RefusalBanner } from '../Feedback.js';
import { CameraCapture } from '../parts/CameraCapture.js';
import { UNDO_WINDOW_MS, type RaisedFlag, type useIntake } from '../intake.js';
import { useAction } from '../useApi.js';
import { CURE_CODE_WORDS, VERDICT_ACTION, cureCodeWords, localDateTime, localTime, plainText, verdictWords } from '../words.js';

type Intake = ReturnType<typeof useIntake>;
const ICONS = { accept: '✔', problem: '✖', rescan: '↻', flagged: '⚑', refused: '⚠' } as const;

function announce(o: ScanOutcomeDto, flag: RaisedFlag | null): string {
  const who = o.voterName ? ` ${o.voterName}${o.precinct ? `, precinct ${o.precinct}` : ''}.` : '';
  const dup = o.duplicateOf ? ` Already received ${localDateTime(o.duplicateOf.at)} at ${o.duplicateOf.station} by ${o.duplicateOf.operator}.` : '';
  const flagged = flag && !flag.undone ? ` Flagged for cure: ${cureCodeWords(flag.codes)}.` : '';
  return `${o.verdict === 'ACCEPTED' ? 'ACCEPTED' : verdictWords(o.verdict)}.${who}${dup}${flagged}`;
}

/** Only a received envelope (accepted, or late and kept for the supervisor) can be flagged for cure. */
const flaggable = (o: ScanOutcomeDto | null) => o !== null && (o.verdict === 'ACCEPTED' || o.verdict === 'LATE');

/** Buttons give the focus back at once: a scanner's Enter or Space must never press one. */
const blurAfter = (fn: () => void) => (e: MouseEvent<HTMLButtonElement>) => {
  e.currentTarget.blur();
  fn();
};

export function Scan({ intake, onAuthLost }: { intake: Intake; onAuthLost: (why: string) => void }) {
  const { last, recent, refusal, flag } = intake;
  const [keyed, setKeyed] = useState('');
  const [profile, setProfile] = useState<Output<'cure.profile'> | null>(null);
  const { error, run, setError } = useAction(onAuthLost);

  useEffect(() => {
    void api.call('cure.profile', {}).then(setProfile, () => setProfile(null));
  }, []);

  const onKeyed = (e: FormEvent) => {
    e.preventDefault();
    if (keyed.trim()) intake.submit(keyed.trim(), { keyed: true, scanner: 'keyed' });
    setKeyed('');
  };

  const flagNow = flag && flag.seq === last?.seq && !flag.undone ? flag : null;
  // A scan that was not recorded takes the panel: the green of the envelope before must not answer for it.
  const refused = refusal && refusal.kind !== 'locked' ? refusal : null;
  const kind = refused ? 'refused' : !last ? 'idle' : flagNow ? 'flagged' : verdictClass(last.verdict);
  const word = refused ? (refused.kind === 'cut' ? 'SCAN AGAIN' : 'NOT RECORDED') : !last ? 'READY' : flagNow ? 'ACCEPTED — FLAGGED FOR CURE' : verdictWords(last.verdict).toUpperCase();
  return (
    <div className="scan-layout">
      <div className="scan-main">
        <section className={`verdict ${kind}`} aria-label="Last verdict" data-verdict={last?.verdict ?? ''} data-seq={last?.seq ?? 0} data-flagged={flagNow ? 'yes' : 'no'} data-refusal={refused?.kind ?? ''}>
          <div className={`word${word.length > 20 ? ' xlong' : word.length > 14 ? ' long' : ''}`}>
            <span className="icon" aria-hidden="true">
              {kind === 'idle' ? '' : ICONS[kind]}
            </span>
            {word}
          </div>
          {refused ? (
            <>
              <div className="name">Nothing was recorded for this envelope.</div>
              <div className="detail" role="alert">
                {refused.text.replace(/^SCAN AGAIN: /, '')}
              </div>
              {last && <div className="detail small">The envelope before it: <bdi>{last.ballotId ?? last.raw}</bdi>, {verdictWords(last.verdict)}.</div>}
            </>
          ) : last ? (
            <VerdictLines scan={last} flag={flagNow} undone={flag?.seq === last.seq && flag.undone} />
          ) : (
            <div className="detail">Scan an envelope. Scans from any screen are recorded.</div>
          )}
        </section>
        <div aria-live="assertive" className="sr-only" data-testid="live">
          {last ? announce(last, flagNow) : ''}
        </div>
        {refusal && !refused && <RefusalBanner refusal={refusal} onDismiss={intake.dismissRefusal} />}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <RecentScans recent={recent} flag={flag} />
      </div>
      <aside className="scan-side">
        <form className="card" onSubmit={onKeyed}>
          <label>
            Key in an unreadable barcode
            <input name="keyed" value={keyed} onChange={(e) => setKeyed(e.target.value)} autoComplete="off" />
          </label>
          <button type="submit">Record</button>
        </form>
        {profile && (
          <FlagPanel
            key={last?.seq ?? 0}
            codes={profile.codes.map((c) => c.code)}
            profileName={profile.name}
            target={!refused && flaggable(last) ? last : null}
            flag={flag && flag.seq === last?.seq ? flag : null}
            raise={(target, codes) => run(() => intake.raiseFlag(target, codes))}
            undo={() => run(() => intake.undoFlag())}
            onError={(e) => setError(errorText(e))}
          />
        )}
        <CameraCapture target={!refused ? last : null} />
      </aside>
    </div>
  );
}

function VerdictLines({ scan, flag, undone }: { scan: ScanOutcomeDto; flag: RaisedFlag | null; undone: boolean }) {
  const dup = scan.duplicateOf;
  return (
    <>
      <div className="name">
        <bdi data-testid="verdict-name">{scan.voterName ?? scan.ballotId ?? scan.raw}</bdi>
        {scan.precinct && <span> · precinct {scan.precinct}</span>}
      </div>
      {flag ? (
        <div className="detail flag-words">Flagged for cure: {cureCodeWords(flag.codes)}. Put it in the cure tray.</div>
      ) : (
        <div className="detail">
          {dup && (
            <>
              Already received {localDateTime(dup.at)} at <bdi>{dup.station}</bdi> by <bdi>{dup.operator}</bdi>
              {dup.batchNumber !== null ? `, batch ${dup.batchNumber}` : ''}.{' '}
            </>
          )}
          {VERDICT_ACTION[scan.verdict]}
          {undone ? ' (The cure flag was undone.)' : ''}
        </div>
      )}
      <div className="detail small">
        {plainText(scan.reason)}
        {scan.batchNumber !== null && ` · Tray: batch ${scan.batchNumber}, ${scan.batchCount} envelopes${scan.batchClosed ? ' — FULL, closed: start a new tray' : ''}`}
      </div>
    </>
  );
}

function RecentScans({ recent, flag }: { recent: ScanOutcomeDto[]; flag: RaisedFlag | null }) {
  return (
    <div className="card recent">
      <h2>Last scans</h2>
      <table aria-label="Last scans">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Verdict</th>
            <th scope="col">Ballot</th>
            <th scope="col">Voter</th>
            <th scope="col">Scanner</th>
          </tr>
        </thead>
        <tbody>
          {recent.map((r) => {
            const flagged = flag?.seq === r.seq && !flag.undone;
            const k = flagged ? 'flagged' : verdictClass(r.verdict);
            return (
              <tr key={r.seq} className={`row-${k}`} data-verdict={r.verdict}>
                <td>{localTime(r.scannedAt)}</td>
                <td>
                  <span aria-hidden="true">{ICONS[k]} </span>
                  {verdictWords(r.verdict)}
                  {flagged ? ', flagged for cure' : ''}
                </td>
                <td>
                  <bdi>{r.ballotId ?? r.raw}</bdi>
                </td>
                <td>
                  <bdi>{r.voterName ?? ''}</bdi>
                </td>
                <td>
                  <bdi>{r.scanner ?? ''}</bdi>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Flagging is two deliberate steps with keys no scanner sends: choose the problem (click, or F8
 * to move through them), then confirm (F9). Undo (F10) while the clerk who flagged still can.
 */
function FlagPanel(props: {
  codes: CureCode[];
  profileName: string;
  target: ScanOutcomeDto | null;
  flag: RaisedFlag | null;
  raise: (target: ScanOutcomeDto, codes: CureCode[]) => Promise<unknown>;
  undo: () => Promise<unknown>;
  onError: (e: unknown) => void;
}) {
  const { codes, target, flag, raise, undo } = props;
  const [chosen, setChosen] = useState<CureCode[]>([]);
  const now = useNow(flag !== null && !flag.undone);
  const undoLeft = flag && !flag.undone ? Math.max(0, Math.ceil((flag.at + UNDO_WINDOW_MS - now) / 1000)) : 0;

  const confirm = useCallback(() => {
    if (!target || chosen.length === 0) return;
    void raise(target, chosen).then(() => setChosen([]));
  }, [target, chosen, raise]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'F8' && target) {
        e.preventDefault();
        const at = chosen.length === 1 ? codes.indexOf(chosen[0] as CureCode) : -1;
        const next = codes[(at + (e.shiftKey ? codes.length - 1 : 1) + codes.length) % codes.length];
        setChosen(next ? [next] : []);
      } else if (e.key === 'F9') {
        e.preventDefault();
        confirm();
      } else if (e.key === 'F10') {
        e.preventDefault();
        if (undoLeft > 0) void undo();
      } else if (e.key === 'Escape') setChosen([]);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [codes, chosen, target, confirm, undo, undoLeft]);

  const toggle = (c: CureCode) => setChosen((cs) => (cs.includes(c) ? cs.filter((x) => x !== c) : [...cs, c]));
  return (
    <section className="card flags" aria-labelledby="flag-heading">
      <h2 id="flag-heading">Flag for cure</h2>
      <p className="muted small">{target ? `The envelope on screen (${props.profileName}): choose the problem (click, or F8), then confirm (F9).` : 'Scan an accepted envelope to flag it.'}</p>
      <div role="group" aria-label="Cure problems" className="flag-codes">
        {codes.map((c) => (
          <button key={c} aria-pressed={chosen.includes(c)} disabled={!target} onClick={blurAfter(() => toggle(c))} data-code={c}>
            {CURE_CODE_WORDS[c]}
          </button>
        ))}
      </div>
      <button className="confirm-flag" disabled={!target || chosen.length === 0} onClick={blurAfter(confirm)}>
        Confirm flag{chosen.length > 0 ? `: ${cureCodeWords(chosen)}` : ''} <kbd>F9</kbd>
      </button>
      {undoLeft > 0 && (
        <button className="undo-flag" onClick={blurAfter(() => void undo())}>
          Undo flag ({Math.floor(undoLeft / 60)}:{String(undoLeft % 60).padStart(2, '0')} left) <kbd>F10</kbd>
        </button>
      )}
    </section>
  );
}

/** The clock, ticking each second while `on`. */
function useNow(on: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!on) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [on]);
  return now;
}
