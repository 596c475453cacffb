/**
 * The first step of `npm test`: on a machine without socat or chromium it installs them (root on
 * Debian) or stops in its first second with one line naming the command to run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installCommand, onPath, plan, type Machine } from '../../scripts/preflight.mjs';
import { tempDir } from '../helpers/station.js';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/preflight.mjs');

const machine = (have: string[], over: Partial<Machine> = {}): Machine => ({
  has: (c) => have.includes(c),
  root: false,
  debian: true,
  noInstall: false,
  ...over,
});

describe('plan', () => {
  it('is satisfied when socat, chromium and scanimage are all there, whoever runs it', () => {
    expect(plan(machine(['socat', 'chromium', 'scanimage'])).action).toBe('ok');
    expect(plan(machine(['socat', 'chromium', 'scanimage'], { root: true, debian: false })).action).toBe('ok');
  });

  it('installs only what is missing when root on Debian with apt-get', () => {
    const p = plan(machine(['socat', 'scanimage', 'apt-get'], { root: true }));
    expect(p).toMatchObject({ action: 'install', pkgs: ['chromium'] });
  });

  it('stops with a sudo command when not root', () => {
    const p = plan(machine(['apt-get']));
    expect(p).toMatchObject({
      action: 'stop',
      pkgs: ['socat', 'chromium', 'sane-utils'],
      command: 'sudo apt-get update && sudo apt-get install -y --no-install-recommends socat chromium sane-utils',
    });
  });

  it('stops when root but not on Debian, without apt-get, or told never to install', () => {
    expect(plan(machine(['apt-get'], { root: true, debian: false })).action).toBe('stop');
    expect(plan(machine([], { root: true })).action).toBe('stop');
    expect(plan(machine(['apt-get'], { root: true, noInstall: true }))).toMatchObject({
      action: 'stop',
      command: installCommand(['socat', 'chromium', 'sane-utils'], true),
    });
  });
});

describe('onPath', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir('preflight-');
  });
  afterEach(() => t.cleanup());

  it('finds an executable file, not a plain file, a folder or an empty PATH entry', () => {
    const a = path.join(t.dir, 'a');
    const b = path.join(t.dir, 'b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    fs.writeFileSync(path.join(a, 'socat'), 'not executable', { mode: 0o644 });
    fs.mkdirSync(path.join(a, 'chromium'));
    fs.writeFileSync(path.join(b, 'chromium'), '#!/bin/sh\n', { mode: 0o755 });
    // Root may read anything, but X_OK still needs an execute bit.
    expect(onPath('socat', `${a}${path.delimiter}${b}`)).toBe(false);
    expect(onPath('chromium', `${a}${path.delimiter}${b}`)).toBe(true);
    expect(onPath('chromium', `${path.delimiter}${a}`)).toBe(false);
    expect(onPath('chromium', undefined)).toBe(false);
  });
});

describe('the script, run as npm test runs it', () => {
  let t: ReturnType<typeof tempDir>;
  let bin: string;
  beforeEach(() => {
    t = tempDir('preflight-run-');
    bin = path.join(t.dir, 'bin');
    fs.mkdirSync(bin);
  });
  afterEach(() => t.cleanup());

  const tool = (name: string, body = 'exit 0') =>
    fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  const run = (env: Record<string, string> = {}) => {
    const started = Date.now();
    const r = spawnSync(process.execPath, [SCRIPT], { env: { PATH: bin, ...env }, encoding: 'utf8' });
    return { ...r, seconds: (Date.now() - started) / 1000 };
  };

  it('with socat and chromium off PATH and no installing, exits 1 in its first second with one line', () => {
    const r = run({ PREFLIGHT_NO_INSTALL: '1' });
    expect(r.status).toBe(1);
    expect(r.seconds).toBeLessThan(3);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm test needs socat \(.+\), chromium \(.+\) and scanimage \(.+\), not found on PATH\. Run: /);
    expect(lines[0]).toContain('apt-get install -y --no-install-recommends socat chromium sane-utils');
  });

  it('without apt-get on PATH it stops the same way, whoever runs it', () => {
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('install -y --no-install-recommends socat chromium sane-utils');
  });

  it('says nothing and exits 0 when all are there', () => {
    tool('socat');
    tool('scanimage');
    tool('chromium');
    const r = run();
    expect(r).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });

  const rootOnDebian = process.getuid?.() === 0 && fs.existsSync('/etc/debian_version');

  it.runIf(rootOnDebian)('as root on Debian, runs apt-get for what is missing, says so in one line, then passes', () => {
    tool('socat');
    tool('scanimage');
    const calls = path.join(t.dir, 'apt-calls');
    // apt-get's stand-in records its arguments and "installs" by putting chromium on PATH.
    tool('apt-get', `echo "$DEBIAN_FRONTEND $*" >> ${calls}\ncase "$*" in *install*) printf '#!/bin/sh\\n' > ${bin}/chromium; /bin/chmod 755 ${bin}/chromium;; esac`);
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stderr.trimEnd().split('\n')).toEqual(['preflight: installing chromium with apt-get (npm test needs them)…']);
    expect(fs.readFileSync(calls, 'utf8').trimEnd().split('\n')).toEqual([
      'noninteractive -qq -o DPkg::Lock::Timeout=120 update',
      'noninteractive -qq -o DPkg::Lock::Timeout=120 install -y --no-install-recommends chromium',
    ]);
  });

  it.runIf(rootOnDebian)('as root on Debian, when apt-get fails, stops with one line: its last words and the command', () => {
    tool('apt-get', 'echo "debconf: some chatter" >&2\necho "E: The repository is not signed." >&2\nexit 100');
    const r = run();
    expect(r.status).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(
      'preflight: apt-get update failed (exit 100: E: The repository is not signed.). Run: apt-get update && apt-get install -y --no-install-recommends socat chromium sane-utils',
    );
  });

  it.runIf(rootOnDebian)('as root on Debian, when apt-get "succeeds" but the program is still missing, says so', () => {
    tool('apt-get');
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
      'preflight: apt-get ran, but socat, chromium and scanimage still cannot be found on PATH: put /usr/bin on PATH and run npm test again',
    );
  });
});
