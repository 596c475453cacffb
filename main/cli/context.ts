import { parseArgs, type ParseArgsConfig } from 'node:util';
import { defaultDbPath } from '../store/db.js';
import { isLocked, lockedMessage } from '../store/faults.js';
import { Store } from '../store/store.js';

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

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

export function requireOption(value: string | undefined, name: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

/** The operator from --operator, else INTAKE_OPERATOR. */
export function operatorOf(io: Io, value: string | undefined): string {
  return requireOption(value ?? io.env['INTAKE_OPERATOR'], 'operator');
}

/** The station from --station, else the configured station name. */
export function stationOf(store: Store, value: string | undefined): string {
  const s = value ?? store.config.get('station');
  if (!s) throw new UsageError('--station is required (or set it once: intake config set station NAME)');
  return s;
}

export function withStore<T>(io: Io, dbOption: string | undefined, fn: (store: Store) => T): T {
  const store = openStore(io, dbOption);
  try {
    return fn(store);
  } catch (e) {
    throw isLocked(e) ? new CommandError(lockedMessage(store.path)) : e;
  } finally {
    store.close();
  }
}

export async function withStoreAsync<T>(io: Io, dbOption: string | undefined, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(io, dbOption);
  try {
    return await fn(store);
  } catch (e) {
    throw isLocked(e) ? new CommandError(lockedMessage(store.path)) : e;
  } finally {
    store.close();
  }
}
