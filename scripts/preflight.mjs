#!/usr/bin/env node
/**
 * The first step of `npm test`: the system programs the suite needs and npm cannot provide.
 * Everything else (reading PDFs and barcodes back, SQLite) comes from node_modules. Missing
 * programs are installed with apt-get when this runs as root on Debian; otherwise it stops at
 * once with the one command to run, instead of letting the suite fail 30 tests deep.
 * PREFLIGHT_NO_INSTALL=1 never installs (only says what to run).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** What the tests run, the Debian package that provides it, and why. */
export const REQUIREMENTS = [
  { command: 'socat', pkg: 'socat', why: 'real serial-port pairs for the scanner tests' },
  { command: 'chromium', pkg: 'chromium', why: 'the end-to-end suite' },
  { command: 'scanimage', pkg: 'sane-utils', why: "envelope images from SANE's test scanner" },
];

/** Whether `command` is an executable file in one of PATH's folders (as `command -v` finds it). */
export function onPath(command, pathVar) {
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    try {
      const file = path.join(dir, command);
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return true;
    } catch {
      // Not in this folder.
    }
  }
  return false;
}

/** The apt-get command line that installs `pkgs`; with sudo when not run as root. */
export function installCommand(pkgs, root) {
  const apt = `apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
  return root ? `apt-get update && ${apt}` : `sudo apt-get update && sudo ${apt}`;
}

/**
 * What to do, from what was found. Pure, so each case is tested without touching the machine.
 * @param {{ has: (command: string) => boolean, root: boolean, debian: boolean, noInstall: boolean }} machine
 */
export function plan(machine) {
  const missing = REQUIREMENTS.filter((r) => !machine.has(r.command));
  if (missing.length === 0) return { action: 'ok', missing };
  const pkgs = missing.map((r) => r.pkg);
  const canInstall = machine.root && machine.debian && machine.has('apt-get') && !machine.noInstall;
  return { action: canInstall ? 'install' : 'stop', missing, pkgs, command: installCommand(pkgs, machine.root) };
}

/** "a", "a and b", "a, b and c". */
function andList(words) {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** The one line that stops the run. */
export function stopLine(missing, command) {
  const names = andList(missing.map((r) => `${r.command} (${r.why})`));
  return `npm test needs ${names}, not found on PATH. Run: ${command}`;
}

function aptGet(args, env) {
  return spawnSync('apt-get', ['-qq', '-o', 'DPkg::Lock::Timeout=120', ...args], {
    env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
    // apt's chatter (debconf notices…) is kept back; its last words are shown if it fails.
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Runs the check against this machine; returns the exit code. */
export function main(env = process.env, log = (line) => process.stderr.write(`${line}\n`)) {
  const machine = {
    has: (command) => onPath(command, env.PATH),
    root: process.getuid?.() === 0,
    debian: fs.existsSync('/etc/debian_version'),
    noInstall: env.PREFLIGHT_NO_INSTALL === '1',
  };
  const first = plan(machine);
  if (first.action === 'ok') return 0;
  if (first.action === 'stop') {
    log(stopLine(first.missing, first.command));
    return 1;
  }
  log(`preflight: installing ${first.pkgs.join(' ')} with apt-get (npm test needs them)…`);
  const steps = [['update'], ['install', '-y', '--no-install-recommends', ...first.pkgs]];
  for (const step of steps) {
    const r = aptGet(step, env);
    if (r.status !== 0) {
      const said = (r.stderr ?? '').trim().split('\n').at(-1) ?? '';
      const why = r.error?.message ?? (said === '' ? `exit ${r.status}` : `exit ${r.status}: ${said}`);
      log(`preflight: apt-get ${step[0]} failed (${why}). Run: ${first.command}`);
      return 1;
    }
  }
  const after = plan({ ...machine, noInstall: true });
  if (after.action === 'ok') return 0;
  const names = andList(after.missing.map((r) => r.command));
  log(`preflight: apt-get ran, but ${names} still cannot be found on PATH: put /usr/bin on PATH and run npm test again`);
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main();
}
