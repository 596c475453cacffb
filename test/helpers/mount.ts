import fs from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Whether this process may mount a small tmpfs (root, as in CI): real disk-full and read-only faults need it. */
export function canMount(): boolean {
  const probe = fs.mkdtempSync('/tmp/intake-mount-probe-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
  if (r.status === 0) spawnSync('umount', [probe]);
  fs.rmSync(probe, { recursive: true, force: true });
  return r.status === 0;
}
