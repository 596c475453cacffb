import { useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { plainError } from '../useApi.js';
import type { Status } from '../App.js';

export function SignIn({ status, onSignedIn, message }: { status: Status; onSignedIn: () => void; message: string | null }) {
  const [operator, setOperator] = useState('');
  const [pin, setPin] = useState('');
  const [pinAgain, setPinAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const first = status.needsFirstSupervisor;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    // A typo in the first PIN would lock the only supervisor out: it is typed twice.
    if (first && pin !== pinAgain) {
      setError('The two PINs differ. Type the same PIN in both boxes; nobody was created.');
      return;
    }
    const call = first ? api.call('session.createFirstSupervisor', { operator, pin }) : api.call('session.signIn', { operator, pin });
    call.then(onSignedIn, (err: unknown) => setError(plainError(err)));
  };

  return (
    <main>
      <div className="card" style={{ maxWidth: '32em', margin: '3em auto' }}>
        <h1>{first ? 'Create the first supervisor' : 'Sign in'}</h1>
        {first && <p className="muted">This station has no operators yet. The first one is a supervisor, who then adds the clerks.</p>}
        {message && (
          <p className="error" role="alert">
            {message}
          </p>
        )}
        <form onSubmit={submit}>
          <label>
            Operator
            <input name="operator" autoFocus autoComplete="username" value={operator} onChange={(e) => setOperator(e.target.value)} />
          </label>
          <label>
            PIN (4–12 digits)
            <input name="pin" type="password" inputMode="numeric" autoComplete={first ? 'new-password' : 'current-password'} value={pin} onChange={(e) => setPin(e.target.value)} />
          </label>
          {first && (
            <label>
              PIN again
              <input name="pinAgain" type="password" inputMode="numeric" autoComplete="new-password" value={pinAgain} onChange={(e) => setPinAgain(e.target.value)} />
            </label>
          )}
          <button className="primary" type="submit">
            {first ? 'Create and sign in' : 'Sign in'}
          </button>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
        </form>
      </div>
    </main>
  );
}
