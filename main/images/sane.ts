import { execFile } from 'node:child_process';
import { ServiceError } from '../../shared/errors.js';
import { escapeRaw } from '../store/scan-faults.js';
import { MAX_INPUT_BYTES } from './process.js';

/**
 * One capture from a SANE scanner: `scanimage` as a child process (never a shell), PNG on
 * its standard output, with a time limit. SANE's `test` backend (`-d test`, enabled by a
 * dll.conf naming `test` in SANE_CONFIG_DIR) gives real images without hardware; the tests
 * and the benchmark use it. Reference: scanimage(1), sane-backends 1.1.1; sane-test(5).
 */
export interface SaneOptions {
  device: string;
  /** Extra backend options, e.g. ["--mode", "Gray", "--resolution", "150"]. */
  args?: readonly string[];
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Options that would write files or loop: a setting may not smuggle them in. */
const FORBIDDEN = /^(-o|--output-file|-b|--batch|--batch-.*|-f|--formatted-device-list|--format|-L|--list-devices|-h|--help)(=|$)/;

export function checkScanArgs(args: readonly string[]): string | null {
  for (const a of args) {
    if (FORBIDDEN.test(a)) return `the scanner option ${JSON.stringify(a)} is not allowed (the station chooses the output itself)`;
    if (a.length > 200) return 'a scanner option is longer than 200 characters';
  }
  return null;
}

export async function captureSane(o: SaneOptions): Promise<Buffer> {
  const args = o.args ?? [];
  const bad = checkScanArgs(args);
  if (bad) throw new ServiceError('invalid', bad);
  const timeout = o.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    execFile(
      'scanimage',
      ['--device-name', o.device, '--format=png', ...args],
      { encoding: 'buffer', timeout, maxBuffer: MAX_INPUT_BYTES, killSignal: 'SIGKILL', env: o.env ?? process.env, windowsHide: true },
      (err, stdout, stderr) => {
        if (!err) {
          if (stdout.length === 0) return reject(new ServiceError('failed', `the scanner ${o.device} returned no image`));
          return resolve(stdout);
        }
        reject(new ServiceError('failed', plainSaneError(o.device, err as NodeJS.ErrnoException & { killed?: boolean }, stderr.toString('utf8'), timeout)));
      },
    );
  });
}

/** What went wrong, for a clerk: scanimage's own last line, when it gives one, after ours. */
function plainSaneError(device: string, err: NodeJS.ErrnoException & { killed?: boolean }, stderr: string, timeout: number): string {
  if (err.code === 'ENOENT') return 'the scanner program (scanimage, from sane-utils) is not installed on this station';
  if (err.killed) {
    const s = Math.round(timeout / 1000);
    return `the scanner ${device} did not finish within ${s} ${s === 1 ? 'second' : 'seconds'}`;
  }
  if (err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return `the scanner ${device} sent more than ${MAX_INPUT_BYTES / 1024 / 1024} MB: lower its resolution`;
  const last = escapeRaw(stderr.trim().split('\n').at(-1)?.replace(/^scanimage: /, '') ?? '');
  if (/open of device .* failed|Invalid argument|no SANE devices/i.test(last)) return `the scanner ${device} is not connected or not found (${last})`;
  return `the scanner ${device} failed${last ? ` (${last})` : ''}`;
}
