import readline from 'node:readline';
import { decodeResultJson, decodeScan, encodeImb } from '../../../shared/barcode/index.js';
import type { LabelRule } from '../../../shared/barcode/label.js';
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

export async function decodeCommand(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {});
  const rule = ruleFrom(io, values.db);
  if (positionals.length > 0) {
    const r = decodeScan(positionals.join(' '), rule);
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
