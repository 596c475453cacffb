import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'intake.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  json: <T = Record<string, unknown>>() => T;
  lines: <T = Record<string, unknown>>() => T[];
}

function result(status: number | null, stdout: string, stderr: string): CliResult {
  return {
    status,
    stdout,
    stderr,
    json: <T>() => JSON.parse(stdout) as T,
    lines: <T>() => stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T),
  };
}

/** Runs the real `intake` binary (the compiled CLI: `npm run build` first). */
export function intake(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, INTAKE_OPERATOR: '', ...opts.env },
    timeout: 60_000,
  });
  return result(r.status, r.stdout, r.stderr);
}

export function intakeAsync(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...opts.env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve(result(code, out, err)));
    child.stdin.end(opts.input ?? '');
  });
}
