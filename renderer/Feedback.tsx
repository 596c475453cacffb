import type { Refusal } from './intake.js';

/** The outcome of the last action on a screen: a note (polite) and an error (assertive), either or both. */
export function Feedback({ note, error }: { note?: string | null; error?: string | null }) {
  return (
    <>
      {note && (
        <p className="ok" role="status">
          {note}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** A two-column table of counts (verdicts, cure codes…), largest first. */
export function CountTable({ title, counts }: { title: string; counts: Record<string, number> | undefined }) {
  const rows = Object.entries(counts ?? {}).sort((a, b) => b[1] - a[1]);
  return (
    <div className="card">
      <h2>{title}</h2>
      <table aria-label={title}>
        <tbody>
          {rows.map(([k, n]) => (
            <tr key={k}>
              <td>{k}</td>
              <td>{n.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A scan that was NOT recorded (cut, locked, station stopped): said on screen until dismissed or the next verdict. */
export function RefusalBanner({ refusal, onDismiss }: { refusal: Refusal; onDismiss: () => void }) {
  return (
    <div className={`refusal refusal-${refusal.kind}`} role="alert" data-refusal={refusal.kind}>
      {refusal.text} <button onClick={onDismiss}>Dismiss</button>
    </div>
  );
}
