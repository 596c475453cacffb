import readline from 'node:readline';
import { backupAfterClose } from '../../backup/backup.js';
import { Intake, IntakeError } from '../../intake/intake.js';
import { outcomeJson } from '../../intake/outcome-json.js';
import { CommandError, operatorOf, parse, printJson, requireOption, stationOf, UsageError, withStore, withStoreAsync, type Io } from '../context.js';

export async function scanCommand(io: Io, args: string[]): Promise<number> {
  if (args[0] === 'undo') return undoCommand(io, args.slice(1));
  const { values } = parse(args, {
    station: { type: 'string' },
    operator: { type: 'string' },
    scanner: { type: 'string' },
    keyed: { type: 'boolean' },
  });
  const operator = operatorOf(io, values.operator);
  return withStoreAsync(io, values.db, async (store) => {
    const intake = new Intake(store, stationOf(store, values.station));
    const scanner = values.scanner ?? (values.keyed ? 'keyboard' : 'stdin');
    const lines = readline.createInterface({ input: io.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      // A blank line is no scan (a scanner's stray terminator); anything else is recorded.
      if (line.trim() === '') continue;
      const outcome = intake.scan({ raw: line, operator, scanner, keyed: values.keyed ?? false });
      printJson(io, outcomeJson(outcome));
      if (outcome.closedBatch) {
        await backupAfterClose(store, outcome.closedBatch.number, outcome.closedBatch.station).catch((e: Error) =>
          io.stderr.write(`batch ${outcome.closedBatch?.number ?? ''} closed, but the automatic backup failed: ${e.message}\n`),
        );
      }
    }
    return 0;
  });
}

function undoCommand(io: Io, args: string[]): number {
  const { values, positionals } = parse(args, { operator: { type: 'string' }, reason: { type: 'string' }, station: { type: 'string' } });
  const seq = Number(positionals[0]);
  if (!Number.isInteger(seq) || seq <= 0) throw new UsageError('usage: intake scan undo SEQ --reason TEXT --operator NAME');
  const reason = requireOption(values.reason, 'reason');
  const operator = operatorOf(io, values.operator);
  return withStore(io, values.db, (store) => {
    const intake = new Intake(store, stationOf(store, values.station));
    try {
      const r = intake.undo(seq, operator, reason);
      printJson(io, { seq, undone: true, undoneAt: r.undoneAt, ballotId: r.scan.ballotId, verdict: r.scan.verdict });
      return 0;
    } catch (e) {
      if (e instanceof IntakeError) throw new CommandError(e.message);
      throw e;
    }
  });
}
