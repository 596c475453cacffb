import type { ActionName } from '../../shared/api/roles.js';
import { authorize, type ActionContext, type Actor } from '../actions/context.js';
import { CommandError, type Io } from './context.js';
import { promptHidden, stdinIsTerminal } from './prompt.js';

/**
 * Who runs a command, proved the way the app proves it. A station with no operators yet (a
 * fresh install, a CLI-only set-up) runs as the named person with full rights. Once it has
 * operators, the name (--operator or INTAKE_OPERATOR) must be an operator's, their PIN must
 * come from INTAKE_PIN or a prompt at a terminal (never an argument: it would show in the
 * process list), a wrong PIN counts toward the same lockout as the app's sign-in, and the
 * role must be the one the app requires for the action. The audit log gets the operator's
 * name as stored, never the text typed.
 */
export async function cliActor(io: Io, ctx: ActionContext, action: ActionName, typedName?: string): Promise<Actor> {
  const named = (typedName ?? io.env['INTAKE_OPERATOR'] ?? '').trim();
  if (ctx.auth.needsFirstSupervisor()) return { name: named || 'cli', role: 'supervisor', via: 'cli-setup' };
  if (!named) throw new CommandError('this station has operators: give --operator NAME (or set INTAKE_OPERATOR) and that operator\'s PIN in INTAKE_PIN');
  let pin = io.env['INTAKE_PIN'] ?? '';
  if (!pin && stdinIsTerminal(io)) pin = await promptHidden(io, `PIN for ${named}: `);
  if (!pin) throw new CommandError(`this station has operators: set INTAKE_PIN to ${named}'s PIN (or run the command at a terminal to be asked for it)`);
  const op = await ctx.auth.signIn(named, pin);
  return authorize({ name: op.name, role: op.role, via: 'cli-pin' }, action);
}
