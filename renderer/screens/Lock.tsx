import { useState, type FormEvent } from 'react';
import { api, errorText } from '../api.js';
import type { Refusal } from '../intake.js';

/**
 * The locked screen (LOCK-DESIGN.md): it covers everything (no voter's name stays visible),
 * asks only for the PIN of the operator who was signed in, and says out loud that a scan made
 * now is not recorded. "Sign in as someone else" signs that operator out.
 */
export function Lock({ operator, refusal, onUnlocked, onSignedOut }: { operator: string; refusal: Refusal | null; onUnlocked: () => void; onSignedOut: () => void }) {
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);

  const unlock = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    api.call('session.unlock', { pin }).then(onUnlocked, (err: unknown) => {
      setPin('');
      setError(errorText(err));
    });
  };

  return (
    <main className="lock" data-testid="lock">
      <div className="card lock-card">
        <h1>Locked</h1>
        <p>
          The station is locked for <strong><bdi>{operator}</bdi></strong>. Scans are NOT recorded until you unlock.
        </p>
        {refusal && (
          <p className="refusal refusal-locked" role="alert" data-refusal={refusal.kind}>
            {refusal.text}
          </p>
        )}
        <form onSubmit={unlock}>
          <label>
            <bdi>{operator}</bdi>’s PIN
            <input name="unlock-pin" type="password" inputMode="numeric" autoComplete="current-password" autoFocus value={pin} onChange={(e) => setPin(e.target.value)} />
          </label>
          <button className="primary" type="submit">
            Unlock
          </button>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
        </form>
        <p>
          <button onClick={() => void api.call('session.signOut', {}).then(onSignedOut, onSignedOut)}>Sign in as someone else</button>
        </p>
      </div>
    </main>
  );
}
