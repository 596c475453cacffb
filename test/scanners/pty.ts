/**
 * A virtual serial cable for tests: socat joins two ptys and links them at fixed paths,
 * `station` (what the station opens with the real serialport binding) and `scanner` (where the
 * test writes what a scanner would send). Killing socat is an unplug; starting it again at the
 * same link paths is a replug. The lead's CLI and end-to-end tests reuse this helper.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as fsc } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface PtyCable {
  /** The station's end: give this path to the serial scanner source. */
  readonly stationPath: string;
  /** The scanner's end. */
  readonly scannerPath: string;
  /** Writes bytes as the scanner would (a string is taken as latin1, one byte per character). */
  write(data: string | Uint8Array): Promise<void>;
  /** Kills socat: the station's port sees the device vanish. */
  unplug(): Promise<void>;
  /** Starts socat again at the same link paths. */
  replug(): Promise<void>;
  /** Unplugs for good and removes the temporary folder (when the helper made it). */
  close(): Promise<void>;
}

export interface PtyCableOptions {
  /** Folder for the links; a fresh temporary one by default. */
  dir?: string;
  /** How long to wait for socat to create its links. */
  timeoutMs?: number;
}

export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** socat processes still running: killed if the test process exits without closing its cables. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

async function linked(p: string): Promise<boolean> {
  try {
    await fs.stat(p); // follows the link: true once the pty behind it exists
    return true;
  } catch {
    return false;
  }
}

class SocatCable implements PtyCable {
  private child: ChildProcess | null = null;
  private writer: fs.FileHandle | null = null;
  private log = '';

  constructor(
    readonly stationPath: string,
    readonly scannerPath: string,
    private readonly dir: string,
    private readonly ownsDir: boolean,
    private readonly timeoutMs: number,
  ) {}

  async plug(): Promise<void> {
    if (this.child !== null) throw new Error('pty cable is already plugged in');
    await this.removeLinks();
    const args = [
      '-d',
      '-d',
      `pty,raw,echo=0,link=${this.stationPath}`,
      `pty,raw,echo=0,link=${this.scannerPath}`,
    ];
    const child = spawn('socat', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    live.add(child);
    child.once('exit', () => live.delete(child));
    child.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    let failure: Error | null = null;
    child.once('error', (e) => (failure = e));
    await waitFor(
      async () => {
        if (failure !== null) throw failure;
        if (child.exitCode !== null) throw new Error(`socat exited with ${child.exitCode}: ${this.log}`);
        return (await linked(this.stationPath)) && (await linked(this.scannerPath));
      },
      'socat to create its pty links',
      this.timeoutMs,
    );
    // The scanner end stays open while plugged: a pty whose every end is closed may drop data.
    this.writer = await fs.open(this.scannerPath, fsc.O_WRONLY | fsc.O_NOCTTY);
  }

  async write(data: string | Uint8Array): Promise<void> {
    if (this.writer === null) throw new Error('pty cable is unplugged');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    await this.writer.write(bytes);
  }

  async unplug(): Promise<void> {
    const child = this.child;
    if (child === null) return;
    await this.writer?.close();
    this.writer = null;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await this.removeLinks();
  }

  async replug(): Promise<void> {
    await this.plug();
  }

  async close(): Promise<void> {
    await this.unplug();
    if (this.ownsDir) await fs.rm(this.dir, { recursive: true, force: true });
  }

  /** socat removes its links on SIGTERM; a killed one may leave them dangling. */
  private async removeLinks(): Promise<void> {
    await fs.rm(this.stationPath, { force: true });
    await fs.rm(this.scannerPath, { force: true });
  }
}

/** Starts socat and resolves once both link paths lead to live ptys. */
export async function startPtyCable(opts: PtyCableOptions = {}): Promise<PtyCable> {
  const ownsDir = opts.dir === undefined;
  const dir = opts.dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'scanner-pty-')));
  const cable = new SocatCable(
    path.join(dir, 'station'),
    path.join(dir, 'scanner'),
    dir,
    ownsDir,
    opts.timeoutMs ?? 10_000,
  );
  await cable.plug();
  return cable;
}
