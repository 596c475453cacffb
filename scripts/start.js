#!/usr/bin/env node
// `npm start`: the Electron app where Electron's binary is present (fetched on demand here if
// the network allows), otherwise the same UI served on loopback for a browser, said plainly.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

if (!fs.existsSync(path.join(root, 'dist', 'main', 'cli', 'main.js'))) {
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

function electronBinary() {
  try {
    return require('electron'); // the path of the binary, or a throw when it was never downloaded
  } catch {
    return null;
  }
}

let binary = electronBinary();
if (!binary && process.env.INTAKE_NO_ELECTRON !== '1') {
  // package.json's allowScripts denies electron's download at install time so `npm ci` works
  // offline; run it now, where the network allows.
  const installer = path.join(root, 'node_modules', 'electron', 'install.js');
  if (fs.existsSync(installer)) {
    console.error('Fetching the Electron binary (denied at install time so offline installs work)…');
    const r = spawnSync(process.execPath, [installer], { cwd: path.dirname(installer), stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', timeout: 120_000 });
    // The installer's own stack trace says little to a clerk: one line of why, if it failed.
    if (r.status !== 0) console.error(`  the download failed: ${(r.stderr || String(r.error ?? '')).trim().split('\n')[0] ?? 'unknown error'}`);
    binary = electronBinary();
  }
}

if (binary && fs.existsSync(binary)) {
  const child = spawn(binary, [path.join(root, 'dist', 'main', 'electron', 'main.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.error('The Electron binary is not installed and could not be downloaded here.');
  console.error('Starting the same app for a browser instead: `intake serve` (loopback only).');
  const child = spawn(process.execPath, [path.join(root, 'bin', 'intake.js'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
