import readline from 'node:readline';
import { backupAfterClose } from '../../backup/backup.js';
import { Intake, IntakeError } from '../../intake/intake.js';
import { feedScanners } from '../../intake/scanner-feed.js';
import { withScannerLog } from '../../oplog/hooks.js';
import { parseHidOption, parseSerialOption } from '../../scanners/index.js';
import type { ScannerConfig } from '../../../shared/scanner/config.js';
import type { Store } from '../../store/store.js';
import { outcomeJson } from '../../intake/outcome-json.js';
import { CommandError, operatorOf, parse, printJson, requireOption, stationOf, UsageError, withStore, withStoreAsync, type Io } from '../context.js';

export async function scanCommand(io: Io, args: string[]): Promise<number> {
  if (args[0] === 'undo') return undoCommand(io, args.slice(1));
  const { values } = parse(args, {
    station: { type: 'string' },
    operator: { type: 'string' },
    scanner: { type: 'string' },
    keyed: { type: 'boolean' },
    serial: { type: 'string', multiple: true },
    baud: { type: 'string' },
    terminator: { type: 'string' },
    hid: { type: 'string', multiple: true },
    'hid-mode': { type: 'string' },
  });
  const operator = operatorOf(io, values.operator);
  const devices = scannerConfigs(values);
  return withStoreAsync(io, values.db, async (store) => {
    store.checkpointInBackground(); // a scanning session: no verdict waits for a checkpoint
    const intake = new Intake(store, stationOf(store, values.station));
    if (devices.length > 0) return scanFromDevices(io, store, intake, operator, devices);
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

function scannerConfigs(values: { serial?: string[]; baud?: string; terminator?: string; hid?: string[]; 'hid-mode'?: string }): ScannerConfig[] {
  const configs: ScannerConfig[] = [];
  for (const [i, p] of (values.serial ?? []).entries()) {
    const r = parseSerialOption(p, { ...(values.baud ? { baud: values.baud } : {}), ...(values.terminator ? { terminator: values.terminator } : {}), id: `serial-${i + 1}` });
    if (!r.ok) throw new UsageError(r.error);
    configs.push(r.value);
  }
  const mode = values['hid-mode'] ?? 'pos';
  if (mode !== 'pos' && mode !== 'keyboard') throw new UsageError('--hid-mode must be pos or keyboard');
  for (const h of values.hid ?? []) {
    const r = parseHidOption(h, { mode });
    if (!r.ok) throw new UsageError(r.error);
    configs.push(r.value);
  }
  return configs;
}

/** Scans from serial and HID scanners until SIGINT/SIGTERM; status changes go to stderr as JSON. */
async function scanFromDevices(io: Io, store: Store, intake: Intake, operator: string, configs: ScannerConfig[]): Promise<number> {
  let stopping = false;
  let failure: unknown = null;
  const done = new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const hub = feedScanners(configs, {
    intake: () => intake,
    operator: () => operator,
    onOutcome: async (o) => {
      printJson(io, outcomeJson(o));
      if (o.closedBatch) await backupAfterClose(store, o.closedBatch.number, o.closedBatch.station).catch(() => undefined);
    },
    onStatus: withScannerLog(store, (s) => io.stderr.write(`${JSON.stringify({ scanner: s.scannerId, state: s.state, ...(s.reason ? { reason: s.reason } : {}), at: s.at })}\n`)),
    onError: (e) => {
      // A scan that could not be recorded (disk full…) stops everything: the clerk must not go on.
      failure = e;
      if (!stopping) process.kill(process.pid, 'SIGTERM');
    },
  });
  await done;
  stopping = true;
  await hub.drain();
  await hub.stop();
  if (failure) throw failure instanceof Error ? failure : new Error(`scanning stopped: ${JSON.stringify(failure)}`);
  return 0;
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
