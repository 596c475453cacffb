import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodedFrame } from './decoder.js';
import { LineFramer, type FramerOptions } from './framing.js';

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

function texts(frames: DecodedFrame[]): string[] {
  return frames.map((f) => (f.ok ? f.value.text : `!${f.error.reason}`));
}

/** Feeds each piece at time t, t+1…: all well inside any timeout. */
function feedAll(framer: LineFramer, pieces: string[], t0 = 0): DecodedFrame[] {
  return pieces.flatMap((p, i) => framer.push(bytes(p), t0 + i));
}

describe('LineFramer terminators', () => {
  it.each<[FramerOptions['terminator'], string]>([
    ['CR', 'A1\rB2\r'],
    ['LF', 'A1\nB2\n'],
    ['CRLF', 'A1\r\nB2\r\n'],
    ['TAB', 'A1\tB2\t'],
    ['ANY', 'A1\rB2\t'],
  ])('%s', (terminator, input) => {
    expect(texts(feedAll(new LineFramer({ terminator }), [input]))).toEqual(['A1', 'B2']);
  });

  it('CR mode takes a CRLF scanner: the LF is a dropped control, no empty code', () => {
    expect(texts(feedAll(new LineFramer({ terminator: 'CR' }), ['A1\r\nB2\r\n']))).toEqual(['A1', 'B2']);
  });

  it('a code split across reads, several codes in one read', () => {
    const f = new LineFramer();
    expect(texts(feedAll(f, ['BAL', 'LOT-0', '001\rBALLOT-0002\rBALLOT-0003\rBAL']))).toEqual([
      'BALLOT-0001',
      'BALLOT-0002',
      'BALLOT-0003',
    ]);
    expect(texts(f.push(bytes('LOT-0004\r'), 10))).toEqual(['BALLOT-0004']);
  });

  it('a CRLF split between two reads yields one code, not an empty one', () => {
    const f = new LineFramer({ terminator: 'CRLF' });
    expect(texts(f.push(bytes('X1\r'), 0))).toEqual(['X1']);
    expect(texts(f.push(bytes('\n'), 1))).toEqual([]);
    expect(texts(f.push(bytes('X2\r\n'), 2))).toEqual(['X2']);
  });

  it('NONE: a quiet spell ends the code; a chunk after the spell starts a new one', () => {
    const f = new LineFramer({ terminator: 'NONE', interCharTimeoutMs: 50 });
    expect(texts(f.push(bytes('AB'), 0))).toEqual([]);
    expect(texts(f.push(bytes('CD'), 30))).toEqual([]);
    expect(f.deadline()).toBe(80);
    expect(texts(f.flush(79))).toEqual([]);
    expect(texts(f.flush(80))).toEqual(['ABCD']);
    expect(f.deadline()).toBeNull();
    f.push(bytes('E1'), 100);
    expect(texts(f.push(bytes('F2'), 200))).toEqual(['E1']);
    expect(texts(f.flush(250))).toEqual(['F2']);
  });
});

describe('LineFramer clean-up', () => {
  it('drops stray control bytes but keeps the GS1 / ISO 15434 separators', () => {
    const f = new LineFramer();
    const input = '\x02\x00AB\x07C\x11\x13\x03\x7f\r' + '[)>\x1e06\x1dP123\x1c\x1f\r';
    expect(texts(f.push(bytes(input), 0))).toEqual(['ABC', '[)>\x1e06\x1dP123\x1c\x1f']);
  });

  it('decodes bytes above 0x7F as latin1, one character each', () => {
    const f = new LineFramer();
    const out = f.push(Uint8Array.from([0x41, 0xe9, 0x80, 0xff, 0x0d]), 0);
    expect(texts(out)).toEqual(['A\u00e9\u0080\u00ff']);
  });

  it('strips the configured prefix and suffix, only where they are', () => {
    const f = new LineFramer({ prefix: '#', suffix: '$' });
    expect(texts(f.push(bytes('#B1$\rB2$\r#B3\rB#4\r'), 0))).toEqual(['B1', 'B2', 'B3', 'B#4']);
    expect(texts(f.push(bytes('#$\r'), 1))).toEqual(['!empty code once prefix and suffix are removed']);
  });
});

describe('LineFramer over-long codes', () => {
  it('one error, then resynchronises at the next terminator', () => {
    const f = new LineFramer({ maxLength: 8 });
    const out = feedAll(f, ['123456', '789012345', '678\rGOOD\r']);
    expect(out).toHaveLength(2);
    expect(out[0]).toEqual({
      ok: false,
      error: { reason: expect.stringContaining('longer than 8') as string, partial: '12345678' },
    });
    expect(texts(out.slice(1))).toEqual(['GOOD']);
  });

  it('exactly maxLength is fine', () => {
    expect(texts(new LineFramer({ maxLength: 4 }).push(bytes('1234\r'), 0))).toEqual(['1234']);
  });

  it('NONE: resynchronises after a quiet spell', () => {
    const f = new LineFramer({ terminator: 'NONE', maxLength: 4, interCharTimeoutMs: 10 });
    expect(f.push(bytes('1234567'), 0)).toHaveLength(1);
    expect(texts(f.flush(10))).toEqual([]);
    f.push(bytes('OK'), 20);
    expect(texts(f.flush(30))).toEqual(['OK']);
  });
});

describe('LineFramer partial codes', () => {
  it('a stale partial is reported and never joined to the next code', () => {
    const f = new LineFramer({ staleAfterMs: 1000 });
    f.push(bytes('NOISE'), 0);
    expect(f.deadline()).toBe(1000);
    const out = f.push(bytes('B1\r'), 5000);
    expect(out[0]).toEqual({
      ok: false,
      error: { reason: expect.stringContaining('without its terminator') as string, partial: 'NOISE' },
    });
    expect(texts(out.slice(1))).toEqual(['B1']);
  });

  it('reset drops the partial with one error, and says nothing when idle', () => {
    const f = new LineFramer();
    f.push(bytes('HALF'), 0);
    expect(f.reset('scanner unplugged')).toEqual([
      { ok: false, error: { reason: 'scanner unplugged: partial code dropped', partial: 'HALF' } },
    ]);
    expect(f.reset('again')).toEqual([]);
    expect(texts(f.push(bytes('NEXT\r'), 1))).toEqual(['NEXT']);
  });
});

describe('LineFramer properties', () => {
  const code = fc.stringMatching(/^[A-Z0-9-]{1,20}$/);

  it('any split of a CRLF stream gives back exactly the codes, in order', () => {
    fc.assert(
      fc.property(fc.array(code, { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 12 }), (codes, cuts) => {
        const stream = codes.map((c) => `${c}\r\n`).join('');
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...points].map((p, i, all) => stream.slice(p, all[i + 1] ?? stream.length));
        expect(texts(feedAll(new LineFramer({ terminator: 'CRLF' }), pieces))).toEqual(codes);
      }),
    );
  });

  it('never emits more than one error per over-long code, whatever the chunking', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 40 }), fc.integer({ min: 1, max: 7 }), (len, chunk) => {
        const stream = 'X'.repeat(len) + '\rOK\r';
        const pieces = stream.match(new RegExp(`[\\s\\S]{1,${chunk}}`, 'g')) ?? [];
        const out = texts(feedAll(new LineFramer({ maxLength: 4 }), pieces));
        expect(out.filter((t) => t.startsWith('!'))).toHaveLength(1);
        expect(out.at(-1)).toBe('OK');
      }),
    );
  });
});
