import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { StateChange } from '../../shared/sync/contract.js';
import type { ServerStats } from './context.js';
import type { FaultPlan } from './faults.js';
import type { BatchProgress, StoredReceipt } from './store.js';

/**
 * The state server in a child process, for tests that kill stations (or the server itself)
 * mid-sync. Steered over its /_test/ routes; its SQLite file outlives it for the final checks.
 */
export interface SpawnedStateServer {
  url: string;
  child: ChildProcess;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  setFaults(plan: FaultPlan): Promise<void>;
  addChange(change: StateChange): Promise<void>;
  stats(): Promise<ServerStats>;
  receipts(): Promise<StoredReceipt[]>;
  batches(): Promise<BatchProgress[]>;
}

export interface SpawnOptions {
  dbPath: string;
  token: string;
  port?: number;
  maxChunk?: number;
  faults?: FaultPlan;
  /** How long to wait for the URL line before giving up. */
  startTimeoutMs?: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

export async function spawnStateServer(opts: SpawnOptions): Promise<SpawnedStateServer> {
  const args = [
    '--import',
    'tsx',
    path.join(here, 'main.ts'),
    '--db',
    opts.dbPath,
    '--token',
    opts.token,
    '--port',
    String(opts.port ?? 0),
  ];
  if (opts.maxChunk !== undefined) args.push('--max-chunk', String(opts.maxChunk));
  if (opts.faults) args.push('--faults', JSON.stringify(opts.faults));
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await firstLine(child, opts.startTimeoutMs ?? 20_000);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const call = async <T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/_test/${route}`, {
      method,
      headers: { Authorization: `Bearer ${opts.token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`state server /_test/${route}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    setFaults: async (plan) => void (await call('POST', 'faults', plan)),
    addChange: async (change) => void (await call('POST', 'changes', change)),
    stats: () => call<ServerStats>('GET', 'stats'),
    receipts: () => call<StoredReceipt[]>('GET', 'receipts'),
    batches: () => call<BatchProgress[]>('GET', 'batches'),
  };
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`state server printed no URL within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`state server exited (${code}) before printing its URL: ${stderr}`));
    });
  });
}
