import readline from 'node:readline';
import {
  decodeImbParts,
  decodeResultJson,
  decodeScan,
  encodeImb,
  type DecodedScan,
} from '../../../shared/barcode/index.js';
import type { LabelRule } from '../../../shared/barcode/label.js';
import { ok, type Result } from '../../../shared/result.js';
import { CommandError, openStore, parse, printJson, UsageError, type Io } from '../context.js';

/** The office's label rule if a database is named (so decode matches what scanning does). */
function ruleFrom(io: Io, db: string | undefined): LabelRule | null {
  if (!db && !io.env['INTAKE_DB']) return null;
  const store = openStore(io, db);
  try {
    return store.config.get('labelRule') ?? null;
  } finally {
    store.close();
  }
}

/** Data that starts with "-" (a routing code "-1234") is data to refuse, not an unknown option. */
function dataAfterDash(args: string[]): string[] {
  const i = args.findIndex((a) => /^-\d/.test(a));
  return i < 0 || args.includes('--') ? args : [...args.slice(0, i), '--', ...args.slice(i)];
}

/** Two arguments, the first digits or empty: an IMb's tracking and routing codes, as the USPS encoder takes them. */
function decodeArguments(positionals: string[], rule: LabelRule | null): Result<DecodedScan> {
  const [tracking = '', routing = ''] = positionals;
  if (positionals.length !== 2 || !/^\d*$/.test(tracking.trim()))
    return decodeScan(positionals.join(' '), rule);
  const imb = decodeImbParts(tracking, routing);
  return imb.ok ? ok({ kind: 'imb', ...imb.value }) : imb;
}

export async function decodeCommand(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parse(dataAfterDash(args), {});
  const rule = ruleFrom(io, values.db);
  if (positionals.length > 0) {
    const r = decodeArguments(positionals, rule);
    printJson(io, decodeResultJson(r));
    return r.ok ? 0 : 1;
  }
  let failures = 0;
  const lines = readline.createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const r = decodeScan(line, rule);
    if (!r.ok) failures += 1;
    printJson(io, decodeResultJson(r));
  }
  return failures > 0 ? 1 : 0;
}

export function encodeCommand(io: Io, args: string[]): number {
  const { positionals } = parse(args, {});
  const [kind, tracking, routing] = positionals;
  if (kind !== 'imb') throw new UsageError('usage: intake encode imb TRACKING [ROUTING]');
  if (!tracking) throw new UsageError('the 20-digit tracking code is required');
  const r = encodeImb(tracking, routing ?? '');
  if (!r.ok) throw new CommandError(r.error);
  io.stdout.write(`${r.value}\n`);
  return 0;
}
