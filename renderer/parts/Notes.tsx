import { useEffect, useRef, type ReactNode } from 'react';

/** A failure that stays on screen until the operator has read it and dismissed it. */
export function Problem({ message, onDismiss, testId }: { message: string | null; onDismiss: () => void; testId?: string }) {
  if (!message) return null;
  return (
    <div className="problem-note" role="alert" data-testid={testId}>
      <span>{message}</span>
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

/** An outcome said beside the button that caused it. */
export function Done({ message, testId }: { message: ReactNode; testId?: string }) {
  if (!message) return null;
  return (
    <span className="done-note" role="status" data-testid={testId}>
      {message}
    </span>
  );
}

/**
 * Asks once before a change that touches several records or overrides a warning. Enter confirms,
 * Escape cancels; focus starts on the confirm button and returns to where it was.
 */
export function Confirm({ title, children, confirmLabel, onConfirm, onCancel }: { title: string; children: ReactNode; confirmLabel: string; onConfirm: () => void; onCancel: () => void }) {
  const ok = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    ok.current?.focus();
    return () => before?.focus();
  }, []);
  return (
    <div className="confirm-backdrop">
      <div
        className="confirm"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onCancel();
          }
        }}
      >
        <h2 id="confirm-title">{title}</h2>
        <div>{children}</div>
        <div className="row">
          <button ref={ok} className="primary" type="button" onClick={onConfirm}>
            {confirmLabel}
          </button>
          <button type="button" onClick={onCancel}>
            Cancel (Esc)
          </button>
        </div>
      </div>
    </div>
  );
}
