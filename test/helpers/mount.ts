import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Whether this process may mount a small tmpfs (root, as in CI): real disk-full and read-only faults need it. */
export function canMount(): boolean {
  const probe = fs.mkdtempSync('/tmp/intake-mount-probe-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
  if (r.status === 0) spawnSync('umount', [probe]);
  fs.rmSync(probe, { recursive: true, force: true });
  return r.status === 0;
}

/** Mounts a tmpfs of `kb` KiB on `dir` (an existing, empty folder): a small disk that fills. */
export function mountSmallDisk(dir: string, kb: number): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'tmpfs', dir]);
}

/** Fills the disk `dir` is on with one filler file (dd stops with ENOSPC: that is the point); `freeDisk` removes it. */
export function fillDisk(dir: string): void {
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${path.join(dir, 'filler')}`, 'bs=4k'], { stdio: 'ignore' });
  } catch {
    // ENOSPC
  }
}

export function freeDisk(dir: string): void {
  fs.rmSync(path.join(dir, 'filler'));
}
