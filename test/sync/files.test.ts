import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeWithSidecar } from '../../main/sync/files.js';
import { tempDir } from './helpers.js';

const leftovers = (dir: string): string[] => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));

/** Yields some bytes, then fails: a write that breaks half-way, for real, on a real disk. */
async function* failingHalfWay(): AsyncIterable<string> {
  yield 'NEW CONTENT, PART ONE\n';
  await Promise.resolve();
  throw new Error('the export query failed');
}

describe('writeFileAtomic', () => {
  it('writes a new file, and replaces an old one whole', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'receipts.csv');
    await writeFileAtomic(file, 'one\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('one\n');
    await writeFileAtomic(file, new TextEncoder().encode('two\n'));
    expect(fs.readFileSync(file, 'utf8')).toBe('two\n');
    await writeFileAtomic(file, ['thr', 'ee\n']);
    expect(fs.readFileSync(file, 'utf8')).toBe('three\n');
    expect(leftovers(dir)).toEqual([]);
  });

  it('leaves the old file intact and no temp file behind when the write fails half-way', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'florida.txt');
    fs.writeFileSync(file, 'OLD\n');
    await expect(writeFileAtomic(file, failingHalfWay())).rejects.toThrow(
      /cannot write .*florida\.txt: the export query failed/,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('OLD\n');
    expect(leftovers(dir)).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(['florida.txt']);
  });

  it('leaves no temp file when the rename fails', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'taken');
    fs.mkdirSync(path.join(target, 'inside'), { recursive: true });
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow(/cannot write/);
    expect(leftovers(dir)).toEqual([]);
    expect(fs.statSync(target).isDirectory()).toBe(true);
  });

  it('fails cleanly when the folder does not exist', async () => {
    const dir = tempDir();
    await expect(writeFileAtomic(path.join(dir, 'no', 'such', 'file'), 'x')).rejects.toThrow(/ENOENT/);
  });

  it('writes owner-only files, even over a file that others could read (0640)', async () => {
    const dir = tempDir();
    const secret = path.join(dir, 'notices.csv');
    await writeFileAtomic(secret, 'names and addresses', { mode: 0o600 });
    expect(fs.statSync(secret).mode & 0o777).toBe(0o600);
    const shared = path.join(dir, 'shared.csv');
    fs.writeFileSync(shared, 'old');
    fs.chmodSync(shared, 0o640);
    await writeFileAtomic(shared, 'new');
    expect(fs.statSync(shared).mode & 0o777).toBe(0o600);
  });
});

describe('writeWithSidecar', () => {
  it('writes <file>.sha256 in sha256sum format, which sha256sum -c accepts', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'AbStat_ALA_20261103.txt');
    const { sha256 } = await writeWithSidecar(file, ['AbStat\tALA\n', 'AbStat\tALA\n']);
    const expected = execFileSync('sha256sum', [file]).toString().split(' ')[0];
    expect(sha256).toBe(expected);
    expect(fs.readFileSync(`${file}.sha256`, 'utf8')).toBe(`${sha256}  AbStat_ALA_20261103.txt\n`);
    expect(execFileSync('sha256sum', ['-c', 'AbStat_ALA_20261103.txt.sha256'], { cwd: dir }).toString()).toBe(
      'AbStat_ALA_20261103.txt: OK\n',
    );
  });

  it('makes sha256sum -c fail once the file is changed', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'batch.csv');
    await writeWithSidecar(file, 'a,b\r\n');
    fs.appendFileSync(file, 'tampered');
    expect(spawnSync('sha256sum', ['-c', '--quiet', 'batch.csv.sha256'], { cwd: dir }).status).not.toBe(0);
  });

  it('writes no sidecar when the data cannot be written', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'batch.csv');
    await expect(writeWithSidecar(file, failingHalfWay())).rejects.toThrow(/cannot write/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses a name sha256sum would escape', async () => {
    await expect(writeWithSidecar(path.join(tempDir(), 'a\\b.csv'), 'x')).rejects.toThrow(/backslash/);
  });
});
