import { addOperator, disableOperator, listOperators, resetPin } from '../../actions/operators.js';
import { ROLES, type Role } from '../../../shared/domain.js';
import { cliActor } from '../actor.js';
import { readNewPin } from '../prompt.js';
import { parse, printJson, UsageError, withStation, type Io } from '../context.js';

const USAGE = `usage: intake operator add NAME --role clerk|supervisor     (the PIN: typed twice at a prompt, or one line on stdin)
       intake operator list
       intake operator reset-pin NAME                       (the new PIN as for add)
       intake operator disable NAME                         (they can no longer sign in; their name stays on what they did)
       (a supervisor's: --operator NAME / INTAKE_OPERATOR and INTAKE_PIN or the prompt)`;

/**
 * Operators from the command line, so a station can be set up without the UI. A PIN is never
 * an argument (it would show in the process list and the shell's history).
 */
export async function operatorCommand(io: Io, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, { role: { type: 'string' }, operator: { type: 'string' }, pin: { type: 'string' } });
  if (values.pin !== undefined) throw new UsageError('a PIN is never given as an argument (it would show in the process list): type it at the prompt, or give it on stdin');
  const name = positionals[0];
  if (sub !== 'list' && !name) throw new UsageError(USAGE);
  return withStation(io, values, async (station) => {
    switch (sub) {
      case 'list':
        printJson(io, listOperators(station, await cliActor(io, station, 'operators.list', values.operator)));
        return 0;
      case 'add': {
        const role = values.role ?? (station.auth.needsFirstSupervisor() ? 'supervisor' : undefined);
        if (!role || !(ROLES as readonly string[]).includes(role)) throw new UsageError('--role must be clerk or supervisor');
        const actor = await cliActor(io, station, 'operators.create', values.operator);
        const pin = await readNewPin(io, name ?? '');
        printJson(io, await addOperator(station, actor, { name: name ?? '', role: role as Role, pin }));
        return 0;
      }
      case 'reset-pin': {
        const actor = await cliActor(io, station, 'operators.resetPin', values.operator);
        await resetPin(station, actor, { name: name ?? '', pin: await readNewPin(io, name ?? '') });
        printJson(io, { name, pinReset: true });
        return 0;
      }
      case 'disable':
        printJson(io, disableOperator(station, await cliActor(io, station, 'operators.disable', values.operator), { name: name ?? '' }));
        return 0;
      default:
        throw new UsageError(USAGE);
    }
  });
}
