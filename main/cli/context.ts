import { parseArgs, type ParseArgsConfig } from 'node:util';
import { defaultDbPath } from '../store/db.js';
import { escapeLinesForTerminal, terminalSafeJson } from '../../shared/terminal.js';
import { isLocked, lockedMessage } from '../store/faults.js';
import { Store } from '../store/store.js';
import { CliStation } from './station.js';

/** A mistake in how the command was called: printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the user can act on (no such batch, file unreadable…): exit code 1. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

export const GLOBAL_OPTIONS = {
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** --db, else INTAKE_DB, else the per-user app-data location (created on first use). */
export function openStore(io: Io, dbOption: string | undefined): Store {
  const explicit = dbOption ?? io.env['INTAKE_DB'];
  return explicit ? Store.open(explicit) : Store.open(defaultDbPath(io.env), { createFolder: true });
}

/** One NDJSON line; control and bidi characters in voters' data are written as \\u escapes. */
export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${terminalSafeJson(value)}\n`);
}

export function requireOption(value: string | undefined, name: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

/** Commands that put a name on envelopes (scan, undo, batches) need one, as they always have. */
export function operatorName(io: Io, value: string | undefined): string {
  return requireOption(value ?? io.env['INTAKE_OPERATOR'], 'operator');
}

/** Runs a command against the station in the database (closed afterwards, whatever happens). */
export async function withStation<T>(io: Io, opts: { db?: string | undefined; station?: string | undefined }, fn: (station: CliStation) => T | Promise<T>): Promise<T> {
  const store = openStore(io, opts.db);
  try {
    return await fn(new CliStation(store, io, opts.station));
  } catch (e) {
    throw isLocked(e) ? new CommandError(lockedMessage(store.path)) : e;
  } finally {
    store.close();
  }
}

/**
 * What reaches a terminal cannot drive it: everything written to stderr (and to stdout when it
 * is a terminal) has its control and bidi characters escaped, whoever wrote the text (a state
 * server's error, a voter's name in a message). A carriage return that starts a write is kept:
 * the progress lines redraw themselves with it; anywhere else it is escaped.
 */
export function terminalIo(io: Io): Io {
  const guard = <S extends NodeJS.WritableStream & { isTTY?: boolean }>(stream: S): S =>
    new Proxy(stream, {
      get(target, prop, receiver) {
        if (prop !== 'write') {
          const value = Reflect.get(target, prop, receiver) as unknown;
          // Bound to the stream itself: its methods must not see the proxy as `this`.
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        }
        return (chunk: unknown, ...rest: unknown[]) => {
          const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
          const lead = text.startsWith('\r') ? '\r' : '';
          return (target.write as (c: string, ...r: unknown[]) => boolean).call(target, lead + escapeLinesForTerminal(text.slice(lead.length)), ...rest);
        };
      },
    });
  return { ...io, stderr: guard(io.stderr), stdout: (io.stdout as { isTTY?: boolean }).isTTY ? guard(io.stdout) : io.stdout };
}
