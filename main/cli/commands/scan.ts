import readline from 'node:readline';
import { submitScan, scanRecorded, undoScan } from '../../actions/scans.js';
import { authorize, type Actor } from '../../actions/context.js';
import { feedScanners } from '../../intake/scanner-feed.js';
import { withScannerLog } from '../../oplog/hooks.js';
import { parseHidOption, parseSerialOption } from '../../scanners/index.js';
import type { ScannerConfig } from '../../../shared/scanner/config.js';
import { cliActor } from '../actor.js';
import type { CliStation } from '../station.js';
import { operatorName, parse, printJson, requireOption, UsageError, withStation, type Io } from '../context.js';

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
  const devices = scannerConfigs(values);
  const name = operatorName(io, values.operator);
  return withStation(io, values, async (station) => {
    const actor = await cliActor(io, station, devices.length > 0 ? 'scan.devices' : 'scan.submit', name);
    station.store.checkpointInBackground(); // a scanning session: no verdict waits for a checkpoint
    station.startCounty(); // a county station replicates while it scans (no hub configured: nothing)
    try {
      return await scanSession(io, station, actor, devices, values);
    } finally {
      await station.stopCounty();
    }
  });
}

async function scanSession(io: Io, station: CliStation, actor: Actor, devices: ScannerConfig[], values: { scanner?: string | undefined; keyed?: boolean | undefined }): Promise<number> {
  if (devices.length > 0) return scanFromDevices(io, station, actor, devices);
  const scanner = values.scanner ?? (values.keyed ? 'keyboard' : 'stdin');
  const lines = readline.createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    // A blank line is no scan (a scanner's stray terminator); anything else is recorded.
    if (line.trim() === '') continue;
    const r = submitScan(station, actor, { raw: line, scanner, keyed: values.keyed ?? false });
    printJson(io, r.outcome);
    await r.backup; // a filled batch is backed up before the next envelope
    await r.image; // and its envelope image taken (setting images.capture), a failure reported as a scan fault
    // Buffered lines resolve as microtasks, which never let I/O run: yield once per envelope so
    // the county replicator's socket is read even while a backlog of scans is worked through.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return 0;
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
async function scanFromDevices(io: Io, station: CliStation, actor: Actor, configs: ScannerConfig[]): Promise<number> {
  authorize(actor, 'scan.devices');
  let stopping = false;
  let failure: unknown = null;
  const done = new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const hub = feedScanners(configs, {
    intake: () => station.intake(),
    operator: () => actor.name,
    onOutcome: async (o) => {
      const r = scanRecorded(station, o);
      printJson(io, r.outcome);
      await r.backup;
      await r.image;
    },
    onStatus: withScannerLog(station.store, (s) => printJson({ ...io, stdout: io.stderr }, { scanner: s.scannerId, state: s.state, ...(s.reason ? { reason: s.reason } : {}), at: s.at })),
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

async function undoCommand(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { operator: { type: 'string' }, reason: { type: 'string' }, station: { type: 'string' } });
  const seq = Number(positionals[0]);
  if (!Number.isInteger(seq) || seq <= 0) throw new UsageError('usage: intake scan undo SEQ --reason TEXT --operator NAME');
  const reason = requireOption(values.reason, 'reason');
  const name = operatorName(io, values.operator);
  return withStation(io, values, async (station) => {
    const actor = await cliActor(io, station, 'scan.undo', name);
    const r = undoScan(station, actor, { seq, reason });
    printJson(io, { seq, undone: true, undoneAt: r.undoneAt, ballotId: r.scan.ballotId, verdict: r.scan.verdict });
    return 0;
  });
}
