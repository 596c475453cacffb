/**
 * A log file that is rotated by size: `station.log` until the next line would take it past
 * `maxBytes`, then it becomes `station.log.1` (the older ones move up to `.keep`, the oldest is
 * dropped). Each line is appended by one write on a file opened for appending and closed again:
 * events are rare (not one a scan), and so the app and an `intake` command can share the file,
 * no descriptor stays open, and a file removed or rotated by another process is simply recreated.
 * The folder is owner-only (0700), every file 0600.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface RotatingFileOptions {
  maxBytes: number;
  /** Rotated files kept beside the current one. */
  keep: number;
}

/** A lock older than this was left by a process that died while rotating. */
const STALE_LOCK_MS = 30_000;

export class RotatingFile {
  constructor(
    readonly file: string,
    private readonly opts: RotatingFileOptions,
  ) {
    if (opts.maxBytes < 1 || opts.keep < 1) throw new Error('a rotating log needs maxBytes and keep of at least 1');
  }

  /** pino's destination interface: one complete line at a time. */
  write(line: string): boolean {
    const bytes = Buffer.from(line, 'utf8');
    this.ensureFolder();
    this.rotateIfFull(bytes.length);
    const fd = fs.openSync(this.file, 'a', 0o600);
    try {
      // The mode given to open counts only when the file is created; a widened file is put back.
      fs.fchmodSync(fd, 0o600);
      let off = 0;
      while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    } finally {
      fs.closeSync(fd);
    }
    return true;
  }

  /** The current file first, then `.1`, `.2`… that exist: newest to oldest. */
  files(): string[] {
    const all = [this.file, ...Array.from({ length: this.opts.keep }, (_, i) => `${this.file}.${i + 1}`)];
    return all.filter((f) => fs.existsSync(f));
  }

  private ensureFolder(): void {
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if ((fs.statSync(dir).mode & 0o777) !== 0o700) fs.chmodSync(dir, 0o700);
  }

  private rotateIfFull(adding: number): void {
    const size = sizeOf(this.file);
    if (size === 0 || size + adding <= this.opts.maxBytes) return;
    const release = this.lock();
    // Another process is rotating right now: append to whichever file is current.
    if (release === null) return;
    try {
      // Checked again under the lock: the other process may just have rotated.
      if (sizeOf(this.file) + adding <= this.opts.maxBytes) return;
      for (let i = this.opts.keep - 1; i >= 1; i -= 1) renameIfThere(`${this.file}.${i}`, `${this.file}.${i + 1}`);
      renameIfThere(this.file, `${this.file}.1`);
    } finally {
      release();
    }
  }

  private lock(): (() => void) | null {
    const lockFile = `${this.file}.lock`;
    for (let tries = 0; tries < 2; tries += 1) {
      try {
        fs.closeSync(fs.openSync(lockFile, 'wx', 0o600));
        return () => fs.rmSync(lockFile, { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const age = Date.now() - (fs.statSync(lockFile, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
        if (age < STALE_LOCK_MS) return null;
        fs.rmSync(lockFile, { force: true });
      }
    }
    return null;
  }
}

function sizeOf(file: string): number {
  return fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

function renameIfThere(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
