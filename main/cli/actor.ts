import { Auth, AuthError, roleAllows } from '../auth/auth.js';
import type { Role } from '../../shared/domain.js';
import type { Store } from '../store/store.js';
import { CommandError, type Io } from './context.js';

/**
 * Who runs a state-changing command. A station with no operators yet (a fresh install, or a
 * CLI-only set-up) runs as the named person with full rights; once operators exist, the name
 * must be an operator, INTAKE_PIN must hold their PIN (never a command-line argument: it
 * would show in the process list), and their role must allow the command.
 */
export async function cliActor(io: Io, store: Store, name: string, needs: Role): Promise<{ name: string; role: Role }> {
  const auth = new Auth(store);
  if (auth.needsFirstSupervisor()) return { name, role: 'supervisor' };
  const pin = io.env['INTAKE_PIN'];
  if (!pin) throw new CommandError(`this station has operators: set INTAKE_PIN to ${name}'s PIN`);
  try {
    const op = await auth.signIn(name, pin);
    if (!roleAllows(op.role, needs)) throw new CommandError(`this needs a ${needs}; ${op.name} is a ${op.role}`);
    return { name: op.name, role: op.role };
  } catch (e) {
    if (e instanceof AuthError) throw new CommandError(e.message);
    throw e;
  }
}
