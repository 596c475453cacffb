import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { addStation, initHub } from '../../main/hub/admin.js';
import { Store } from '../../main/store/store.js';
import { startHub, type TestHub } from './pg.js';
import { startProxy, type TcpProxy } from './tcp-proxy.js';
import { BIN } from './cli.js';
import { rollRow, seedRoll, tempDir } from './station.js';
import type { RollRow } from '../../shared/roll/types.js';

/** A county for the tests: one real hub (TLS), initialised, and N registered stations. */
export interface TestCounty {
  hub: TestHub;
  dir: string;
  stations: TestStationFiles[];
  stop(): Promise<void>;
}

export interface TestStationFiles {
  id: string;
  db: string;
  password: string;
  passwordFile: string;
  proxy: TcpProxy;
  /** The environment a station process needs (INTAKE_DB, INTAKE_HUB_PASSWORD). */
  env: NodeJS.ProcessEnv;
}

/** The same roll at every station (a county roll, as distributed). */
export function countyRoll(n: number, prefix = 'CB'): RollRow[] {
  return Array.from({ length: n }, (_, i) => rollRow({ ballotId: `${prefix}${String(i).padStart(6, '0')}`, voterId: `CV${String(i).padStart(6, '0')}`, electionId: 'E2026' }));
}

export async function startCounty(ids: string[], roll: RollRow[], opts: { proxies?: boolean } = {}): Promise<TestCounty> {
  const hub = await startHub();
  const t = tempDir('intake-county-');
  const admin = await hub.superuser();
  const stations: TestStationFiles[] = [];
  try {
    await initHub(admin);
    for (const id of ids) {
      const { password } = await addStation(admin, id, `Station ${id.toUpperCase()}`);
      const dir = path.join(t.dir, id);
      fs.mkdirSync(dir, { mode: 0o700 });
      const db = path.join(dir, 'intake.db');
      const passwordFile = path.join(dir, 'hub-password');
      fs.writeFileSync(passwordFile, password, { mode: 0o600 });
      const proxy = await startProxy({ host: '127.0.0.1', port: hub.port });
      const port = opts.proxies === false ? hub.port : proxy.port;
      const store = Store.open(db);
      try {
        seedRoll(store, roll);
        const at = new Date().toISOString();
        store.config.set('station', id.toUpperCase(), 'test', at);
        store.config.set('election', 'E2026', 'test', at);
        store.config.set('hub', `postgres://localhost:${port}/${hub.database}`, 'test', at);
        store.config.set('hub.station', id, 'test', at);
        store.config.set('hub.ca', hub.caFile, 'test', at);
        store.config.set('hub.passwordFile', passwordFile, 'test', at);
      } finally {
        store.close();
      }
      stations.push({ id, db, password, passwordFile, proxy, env: { INTAKE_DB: db, INTAKE_HUB_PASSWORD: password } });
    }
  } finally {
    await admin.end();
  }
  return {
    hub,
    dir: t.dir,
    stations,
    async stop() {
      for (const s of stations) await s.proxy.close();
      await hub.stop();
      t.cleanup();
    },
  };
}

/** Polls until fn() is truthy (or throws after timeoutMs, saying what it waited for). */
export async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A real `intake scan` child (stdin → NDJSON verdicts) running the station's replicator. */
export interface ScanChild {
  readonly pid: number;
  /** Sends one envelope; resolves with its verdict line once printed (i.e. on disk). */
  scan(raw: string): Promise<{ seq: number; verdict: string; reason: string; ballotId: string | null; duplicateOf: { station: string; at: string } | null; scannedAt: string }>;
  /** Writes lines without waiting (a continuous feed). */
  feed(raws: string[]): void;
  printed(): { seq: number; verdict: string; raw: string }[];
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Ends stdin and waits for a clean exit. */
  end(): Promise<number | null>;
  stderr(): string;
}

export function scanChild(station: TestStationFiles, extraEnv: NodeJS.ProcessEnv = {}): ScanChild {
  const child = spawn(process.execPath, [BIN, 'scan', '--operator', 'ann', '--db', station.db], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, INTAKE_OPERATOR: '', INTAKE_HUB_TIMEOUT_MS: '3000', ...station.env, ...extraEnv },
  });
  const printed: { seq: number; verdict: string; raw: string }[] = [];
  const waiting: ((v: never) => void)[] = [];
  let buf = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!line.trim()) continue;
      const v = JSON.parse(line) as { seq: number; verdict: string; raw: string };
      printed.push(v);
      waiting.shift()?.(v as never);
    }
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    pid: child.pid ?? -1,
    scan(raw) {
      return new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin.write(`${raw}\n`);
      });
    },
    feed(raws) {
      child.stdin.write(raws.map((r) => `${r}\n`).join(''));
    },
    printed: () => printed,
    async kill(signal = 'SIGKILL') {
      child.kill(signal);
      await exited;
    },
    async end() {
      child.stdin.end();
      return exited;
    },
    stderr: () => err,
  };
}
