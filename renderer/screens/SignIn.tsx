import { useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { plainError } from '../useApi.js';
import type { Status } from '../App.js';

export function SignIn({ status, onSignedIn, message }: { status: Status; onSignedIn: () => void; message: string | null }) {
  const [operator, setOperator] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const first = status.needsFirstSupervisor;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
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
            <input name="pin" type="password" inputMode="numeric" autoComplete="current-password" value={pin} onChange={(e) => setPin(e.target.value)} />
          </label>
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
