import { useState, type FormEvent, type ReactNode } from 'react';
import type { Output } from '../../../shared/api/contract.js';
import { api } from '../../api.js';
import { useAction, useQuery } from '../../useApi.js';
import { localDateTime } from '../../words.js';
import { Confirm, Done, Problem } from '../Notes.js';

type Operator = Output<'operators.list'>[number];

/** A PIN typed twice: a typo must not lock someone out. */
function pinProblem(pin: string, again: string): string | null {
  if (!/^\d{4,12}$/.test(pin)) return 'A PIN is 4 to 12 digits.';
  if (pin !== again) return 'The two PINs differ: type the same PIN twice.';
  return null;
}

function PinFields({ prefix, pin, again, onPin, onAgain }: { prefix: string; pin: string; again: string; onPin: (v: string) => void; onAgain: (v: string) => void }) {
  return (
    <>
      <label>
        PIN (4 to 12 digits)
        <input name={`${prefix}Pin`} type="password" inputMode="numeric" autoComplete="new-password" value={pin} onChange={(e) => onPin(e.target.value)} />
      </label>
      <label>
        The same PIN again
        <input name={`${prefix}PinAgain`} type="password" inputMode="numeric" autoComplete="new-password" value={again} onChange={(e) => onAgain(e.target.value)} />
      </label>
    </>
  );
}

export function OperatorsSection({ onAuthLost, me }: { onAuthLost: (why: string) => void; me: string | null }) {
  const ops = useQuery(() => api.call('operators.list', {}), [], onAuthLost);
  const action = useAction(onAuthLost);
  const [note, setNote] = useState<ReactNode>(null);
  const [add, setAdd] = useState({ name: '', role: 'clerk' as 'clerk' | 'supervisor', pin: '', again: '' });
  const [reset, setReset] = useState<{ name: string; pin: string; again: string } | null>(null);
  const [disabling, setDisabling] = useState<Operator | null>(null);

  const create = (e: FormEvent) => {
    e.preventDefault();
    const p = pinProblem(add.pin, add.again);
    if (!add.name.trim()) return action.setError('Type the new operator’s name.');
    if (p) return action.setError(p);
    void action.run(() => api.call('operators.create', { name: add.name.trim(), role: add.role, pin: add.pin })).then((o) => {
      if (!o) return;
      setNote(
        <>
          <bdi>{o.name}</bdi> added as {o.role}.
        </>,
      );
      setAdd({ name: '', role: 'clerk', pin: '', again: '' });
      ops.reload();
    });
  };
  const resetPin = (e: FormEvent) => {
    e.preventDefault();
    if (!reset) return;
    const p = pinProblem(reset.pin, reset.again);
    if (p) return action.setError(p);
    void action.run(() => api.call('operators.resetPin', { name: reset.name, pin: reset.pin })).then((r) => {
      if (!r) return;
      setNote(
        <>
          <bdi>{reset.name}</bdi>’s PIN is changed; any lock-out is lifted.
        </>,
      );
      setReset(null);
      ops.reload();
    });
  };
  const disable = (o: Operator) =>
    void action.run(() => api.call('operators.disable', { name: o.name })).then((r) => {
      setDisabling(null);
      if (!r) return;
      setNote(
        <>
          <bdi>{o.name}</bdi> is disabled and can no longer sign in.
        </>,
      );
      ops.reload();
    });

  return (
    <section className="card settings-form" aria-labelledby="operators-title">
      <h2 id="operators-title">Operators</h2>
      <table aria-label="Operators">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Added</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(ops.data ?? []).map((o) => (
            <tr key={o.name} data-operator={o.name}>
              <td>{o.name}</td>
              <td>{o.role}</td>
              <td className={!o.active ? 'muted' : o.lockedUntil && Date.parse(o.lockedUntil) > Date.now() ? 'warn' : ''}>
                {!o.active ? 'disabled' : o.lockedUntil && Date.parse(o.lockedUntil) > Date.now() ? `locked out until ${localDateTime(o.lockedUntil)}` : 'active'}
              </td>
              <td>
                {localDateTime(o.createdAt)} by <bdi>{o.createdBy}</bdi>
              </td>
              <td className="nowrap">
                {o.active && (
                  <button type="button" onClick={() => setReset({ name: o.name, pin: '', again: '' })}>
                    Reset PIN
                  </button>
                )}{' '}
                {o.active && o.name !== me && (
                  <button type="button" onClick={() => setDisabling(o)}>
                    Disable
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {reset && (
        <form className="row subform" onSubmit={resetPin} aria-label={`New PIN for ${reset.name}`}>
          <strong>
            New PIN for <bdi>{reset.name}</bdi>
          </strong>
          <PinFields prefix="reset" pin={reset.pin} again={reset.again} onPin={(pin) => setReset({ ...reset, pin })} onAgain={(again) => setReset({ ...reset, again })} />
          <button className="primary" type="submit" disabled={action.busy}>
            Set the new PIN
          </button>
          <button type="button" onClick={() => setReset(null)}>
            Cancel
          </button>
        </form>
      )}
      <form className="row subform" onSubmit={create} aria-label="Add an operator">
        <label>
          New operator’s name
          <input name="newOperator" value={add.name} autoComplete="off" onChange={(e) => setAdd({ ...add, name: e.target.value })} />
        </label>
        <label>
          Role
          <select name="newRole" value={add.role} onChange={(e) => setAdd({ ...add, role: e.target.value as 'clerk' | 'supervisor' })}>
            <option value="clerk">clerk</option>
            <option value="supervisor">supervisor</option>
          </select>
        </label>
        <PinFields prefix="new" pin={add.pin} again={add.again} onPin={(pin) => setAdd({ ...add, pin })} onAgain={(again) => setAdd({ ...add, again })} />
        <button type="submit" disabled={action.busy}>
          Add operator
        </button>
      </form>
      <div className="save-row">
        <Done message={note} testId="operators-note" />
      </div>
      <Problem message={action.error ?? ops.error} onDismiss={action.dismiss} testId="problem-operators" />
      {disabling && (
        <Confirm title={`Disable ${disabling.name}?`} confirmLabel={`Disable ${disabling.name} (Enter)`} onConfirm={() => disable(disabling)} onCancel={() => setDisabling(null)}>
          <p>
            <bdi>{disabling.name}</bdi> will no longer be able to sign in. Everything <bdi>{disabling.name}</bdi> recorded stays as it is.
          </p>
        </Confirm>
      )}
    </section>
  );
}
