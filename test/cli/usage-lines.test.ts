import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { intake } from '../helpers/cli.js';
import { tempDir } from '../helpers/station.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('intake-usage-')));
afterEach(() => cleanup());

describe('usage text through the real binary', () => {
  it("a command's multi-line usage keeps its line breaks (no \\u{000a}), exit 2", () => {
    const r = intake(['images', 'purge'], { env: { INTAKE_DB: path.join(dir, 'station.db') } });
    expect(r.status).toBe(2);
    expect(r.stderr).not.toContain('\\u{000a}');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toMatch(/^intake images: usage: intake images capture SEQ/);
    expect(lines.some((l) => /^\s+intake images attach SEQ FILE/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('(--before is a day, YYYY-MM-DD'))).toBe(true);
    expect(r.stderr.trimEnd().endsWith('(see intake --help)')).toBe(true);
  });

  it('control characters in a usage error (an escape and a carriage return in a file name) are still escaped', () => {
    const r = intake(['images', 'attach', '1', path.join(dir, 'no\u001b[2J\rsuch.png')], { env: { INTAKE_DB: path.join(dir, 'station.db') } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no\\u{001b}[2J\\u{000d}such.png');
    expect(r.stderr.includes('\u001b') || r.stderr.includes('\r')).toBe(false);
  });
});
