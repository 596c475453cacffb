import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../main/store/store.js';
import { BIN, intake } from '../helpers/cli.js';
import { tempDir } from '../helpers/station.js';

/**
 * The PIN prompt on a real terminal: `script` (util-linux) gives the CLI a pty, and the test
 * types each answer only once its question is on the screen, as a person would. What the
 * screen shows is everything the pty printed: a PIN in it would be an echo.
 */
const SUE = '482916';
let t: ReturnType<typeof tempDir>;
let db: string;

function atTerminal(args: string[], answers: string[]): Promise<{ screen: string; status: number | null }> {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const child = spawn('script', ['-qec', [process.execPath, BIN, ...args].map(quote).join(' '), '/dev/null'], {
    env: { ...process.env, INTAKE_DB: db, INTAKE_PIN: '', INTAKE_OPERATOR: '' },
  });
  let screen = '';
  let answered = 0;
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString();
    const asked = screen.match(/PIN[^:\n]*: /g)?.length ?? 0;
    while (answered < asked && answered < answers.length) child.stdin.write(`${answers[answered++] ?? ''}\r`);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill(), 30_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ screen, status });
    });
  });
}

beforeAll(() => {
  t = tempDir('intake-cli-prompt-');
  db = path.join(t.dir, 'station.db');
  expect(intake(['operator', 'add', 'sue', '--role', 'supervisor'], { env: { INTAKE_DB: db }, input: `${SUE}\n` }).status).toBe(0);
});
afterAll(() => t.cleanup());

describe('the PIN prompt at a terminal', () => {
  it('asks for the PIN when INTAKE_PIN is unset, and does not echo it', async () => {
    const r = await atTerminal(['roll', 'stats', '--operator', 'sue'], [SUE]);
    expect(r.screen).toContain('PIN for sue: ');
    expect(r.screen).toContain('"ballots":0');
    expect(r.screen).not.toContain(SUE);
    expect(r.status).toBe(0);
  });

  it('asks for a new PIN twice, without echo, and changes nothing when the two differ', async () => {
    const differ = await atTerminal(['operator', 'add', 'clara', '--role', 'clerk', '--operator', 'sue'], [SUE, '735204', '735205']);
    expect(differ.screen).toContain('the two PINs differ');
    expect(differ.screen).not.toMatch(/735204|735205|482916/);
    expect(differ.status).toBe(1);
    const s = Store.open(db);
    try {
      expect(s.operators.get('clara')).toBeUndefined();
    } finally {
      s.close();
    }
    const same = await atTerminal(['operator', 'add', 'clara', '--role', 'clerk', '--operator', 'sue'], [SUE, '735204', '735204']);
    expect(same.screen).toContain('The same PIN again: ');
    expect(same.screen).toContain('"name":"clara"');
    expect(same.screen).not.toMatch(/735204|482916/);
  });
});
