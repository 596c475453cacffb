import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Served } from '../e2e/fixture.js';
import { tempDir } from '../helpers/station.js';
import { MAX_SOCKETS } from '../../main/api/ws-transport.js';
import { Client, exchange, frame, rawExchange, text } from './client.js';

// One malformed message must not take `intake serve` down (issue 14 item 1). The real CLI runs
// as a child process; raw TCP sockets write hand-made frames. After every attack a second,
// well-behaved window must still get its answers and the process must still be running.

let t: ReturnType<typeof tempDir>;
let served: Served;
let port: number;
let cookie: string;
let good: Client;

beforeAll(async () => {
  t = tempDir('intake-ws-hostile-');
  served = await serve(path.join(t.dir, 'intake.db'));
  port = Number(new URL(served.url).port);
  cookie = await exchange(served.url);
  good = await Client.open(port, cookie);
});

afterAll(async () => {
  await good.close();
  await served.stop();
  t.cleanup();
});

/** The station is still up and still answers the well-behaved window. */
async function stillServing(): Promise<void> {
  expect(served.child.exitCode).toBeNull();
  expect(served.child.signalCode).toBeNull();
  const status = await good.call('session.status');
  expect(status.ok).toBe(true);
}

type Answer = { id: number | null; response: { ok: boolean; error?: { code: string; message: string } } };
const answers = (r: { messages: string[] }): Answer[] => r.messages.map((m) => JSON.parse(m) as Answer);

describe('a message that is not a well-formed call gets a typed error answer, and the socket stays open', () => {
  const hostile: [string, string][] = [
    ['the text null', 'null'],
    ['a number', '42'],
    ['a string', '"x"'],
    ['an array', '[]'],
    ['true', 'true'],
    ['an empty object', '{}'],
    ['not JSON at all', '{not json'],
    ['an empty message', ''],
    ['a method that is an object', '{"id":1,"method":{"toString":1}}'],
    ['a __proto__ method', '{"id":2,"method":"__proto__"}'],
    ['a call hidden under __proto__', '{"__proto__":{"method":"session.status"},"id":3}'],
    ['a __proto__ key in the input', '{"id":4,"method":"session.signIn","input":{"__proto__":{"operator":"x"},"pin":"1234"}}'],
    ['a constructor method', '{"id":5,"method":"constructor"}'],
    ['an id that is a string', '{"id":"x","method":"nope"}'],
    ['JSON nested 100,000 deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['a call with input nested 100 deep', `{"id":6,"method":"session.signIn","input":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}`],
    ['a 900 kB string', JSON.stringify('x'.repeat(900_000))],
    ['a 900 kB method name', JSON.stringify({ id: 7, method: 'm'.repeat(900_000) })],
  ];
  for (const [what, payload] of hostile) {
    it(`answers ${what}`, async () => {
      const r = await rawExchange(port, cookie, [text(payload), text('{"id":99,"method":"session.status"}')]);
      expect(r.ended, 'the server closed the socket').toBe(false);
      const a = answers(r);
      expect(a).toHaveLength(2);
      expect(a[0]?.response.ok).toBe(false);
      expect(a[0]?.response.error?.code).toMatch(/^(invalid-input|not-found)$/);
      expect(a[0]?.response.error?.message).not.toMatch(/at .*\.js|\/work\/|node_modules/);
      expect(a[1]).toMatchObject({ id: 99, response: { ok: true } });
      await stillServing();
    });
  }

  it('answers a binary frame in plain words', async () => {
    const r = await rawExchange(port, cookie, [frame({ opcode: 2, payload: Buffer.from('{"id":1,"method":"session.status"}') })]);
    expect(answers(r)[0]?.response.error).toMatchObject({ code: 'invalid-input', message: 'a message must be JSON text, not binary' });
    await stillServing();
  });

  it('answers 200 calls sent at once, refusing those over the in-flight limit instead of queueing them', async () => {
    const calls = Array.from({ length: 200 }, (_, i) => text(JSON.stringify({ id: i, method: 'session.signIn', input: { operator: 'nobody', pin: '0000' } })));
    const r = await rawExchange(port, cookie, calls, 3000);
    const a = answers(r);
    expect(a).toHaveLength(200);
    expect(a.every((x) => x.response.ok === false)).toBe(true);
    expect(new Set(a.map((x) => x.response.error?.code))).toEqual(new Set(['unauthenticated', 'failed']));
    await stillServing();
  }, 60_000);
});

describe('a frame that breaks the WebSocket protocol closes that one socket with its close code', () => {
  const invalid: [string, Buffer[], number][] = [
    ['invalid UTF-8 in a text frame', [text(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))], 1007],
    ['an unmasked client frame', [frame({ opcode: 1, masked: false, payload: Buffer.from('{}') })], 1002],
    ['an unknown opcode', [frame({ opcode: 3, payload: Buffer.from('x') })], 1002],
    ['a reserved opcode for control frames', [frame({ opcode: 0xb, payload: Buffer.from('x') })], 1002],
    ['a reserved bit set (no extension agreed)', [frame({ opcode: 1, rsv: 4, payload: Buffer.from('{}') })], 1002],
    ['RSV2 and RSV3 set', [frame({ opcode: 1, rsv: 3, payload: Buffer.from('{}') })], 1002],
    ['a message over the size limit', [frame({ opcode: 1, payload: Buffer.alloc(0), declaredLength: 2 * 1024 * 1024 })], 1009],
    ['a 2^63-byte length', [Buffer.from([0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])], 1009],
    ['a continuation with nothing to continue', [frame({ opcode: 0, payload: Buffer.from('x') })], 1002],
    ['a fragmented ping', [frame({ opcode: 9, fin: false, payload: Buffer.from('x') })], 1002],
    ['a control frame over 125 bytes', [frame({ opcode: 9, payload: Buffer.alloc(126) })], 1002],
    ['a close frame with a forbidden code', [frame({ opcode: 8, payload: Buffer.from([0x03, 0xed]) })], 1002],
    ['fragments adding up past the size limit', [frame({ opcode: 1, fin: false, payload: Buffer.alloc(700_000, 0x20) }), frame({ opcode: 0, payload: Buffer.alloc(700_000, 0x20) })], 1009],
  ];
  for (const [what, bytes, code] of invalid) {
    it(`closes on ${what} (${code}), and the station goes on`, async () => {
      const r = await rawExchange(port, cookie, bytes);
      expect(r.ended).toBe(true);
      expect(r.closeCode).toBe(code);
      await stillServing();
    });
  }

  it('survives a client that resets the connection in the middle of a frame', async () => {
    const half = text('{"id":1,"method":"session.status"}').subarray(0, 5);
    await rawExchange(port, cookie, [half], 50);
    await stillServing();
  });
});

describe('fuzzing the transport', () => {
  const anyFrame = fc.record({
    fin: fc.boolean(),
    rsv: fc.integer({ min: 0, max: 7 }),
    opcode: fc.integer({ min: 0, max: 15 }),
    masked: fc.boolean(),
    payload: fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
      fc.json().map((j) => Buffer.from(j)),
      fc.string().map((s) => Buffer.from(s)),
    ),
  });

  it('after any sequence of arbitrary frames, another window still gets answers and the process is alive', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyFrame, { minLength: 1, maxLength: 4 }), async (frames) => {
        await rawExchange(port, cookie, frames.map((f) => frame(f)), 30);
        await stillServing();
      }),
      { numRuns: 120 },
    );
  }, 240_000);

  it('answers every arbitrary JSON value or text sent as a message with exactly one typed answer', async () => {
    const payload = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ id: fc.integer(), method: fc.oneof(fc.string(), fc.constantFrom('session.status', 'session.signIn', 'scan.submit', 'session.unlock', 'session.lock')), input: fc.jsonValue() }).map((v) => JSON.stringify(v)),
      fc.string({ unit: 'binary' }),
    );
    await fc.assert(
      fc.asyncProperty(payload, async (p) => {
        const r = await rawExchange(port, cookie, [text(p)], 40);
        expect(r.ended).toBe(false);
        const a = answers(r);
        expect(a).toHaveLength(1);
        expect(typeof a[0]?.response.ok).toBe('boolean');
        if (a[0]?.response.ok === false) expect(a[0].response.error?.code).toMatch(/^(invalid-input|not-found|unauthenticated|forbidden|failed)$/);
      }),
      { numRuns: 150 },
    );
    await stillServing();
  }, 240_000);
});

describe('too many sockets', () => {
  it('refuses API sockets past the limit with 503, and the windows already open go on', async () => {
    const opened: Client[] = [];
    let refused = 0;
    for (let i = 0; i < MAX_SOCKETS + 10; i += 1) {
      try {
        opened.push(await Client.open(port, cookie));
      } catch {
        refused += 1;
      }
    }
    expect(opened.length).toBeLessThan(MAX_SOCKETS);
    expect(refused).toBeGreaterThanOrEqual(10);
    await stillServing();
    for (const c of opened) await c.close();
    const again = await Client.open(port, cookie);
    expect((await again.call('session.status')).ok).toBe(true);
    await again.close();
  });
});
