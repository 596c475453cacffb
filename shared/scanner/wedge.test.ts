import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAST_MS, WedgeDetector, type WedgeAction, type WedgeKey, type WedgeOptions } from './wedge.js';

/** A keydown, or a moment of silence at which the renderer's timer calls `flush`. */
type Step = WedgeKey | { flushAt: number };

interface Played {
  field: string;
  scans: string[];
  cuts: string[];
}

/** Plays keydowns into a detector and a simulated focused field, as the renderer would. */
function play(steps: Step[], opts?: WedgeOptions, d = new WedgeDetector(opts)): Played {
  let field = '';
  const scans: string[] = [];
  const cuts: string[] = [];
  const take = (a: WedgeAction) => {
    if (a.type === 'pass') return;
    // The caller removes the burst's characters only where they are: just before the caret.
    expect(field.endsWith(a.removeFromField)).toBe(true);
    field = field.slice(0, field.length - a.removeFromField.length);
    (a.type === 'scan' ? scans : cuts).push(a.text);
  };
  for (const e of steps) {
    if ('flushAt' in e) {
      take(d.flush(e.flushAt));
      continue;
    }
    const a = d.key(e);
    take(a);
    if ((a.type === 'pass' || !a.preventKey) && e.targetIsEditable && [...e.key].length === 1 && e.ctrlKey !== true) field += e.key;
  }
  return { field, scans, cuts };
}

/** Keys of `text` then the terminator, `gapMs` apart from `t0`; capitals preceded by a Shift keydown. */
function burst(text: string, t0: number, gapMs: number, editable = true, end: string | null = 'Enter'): WedgeKey[] {
  const out: WedgeKey[] = [];
  let t = t0;
  for (const c of text) {
    if (c !== c.toLowerCase()) out.push({ key: 'Shift', timeMs: t - 1, targetIsEditable: editable });
    out.push({ key: c, timeMs: t, targetIsEditable: editable });
    t += gapMs;
  }
  if (end) out.push({ key: end, timeMs: t, targetIsEditable: editable });
  return out;
}

/** A burst with one pause of `pauseMs` before key `at`. */
function pausedBurst(text: string, t0: number, gapMs: number, at: number, pauseMs: number): WedgeKey[] {
  return burst(text, t0, gapMs).map((k, i, all) => {
    const index = all.slice(0, i).filter((x) => x.key !== 'Shift').length;
    return index >= at ? { ...k, timeMs: k.timeMs + pauseMs - gapMs } : k;
  });
}

/** A person: gaps drawn from `gaps` in turn (a deterministic "random" typist). */
function typing(text: string, t0: number, gaps: number[], editable = true): WedgeKey[] {
  let t = t0;
  return [...text].map((c, i) => {
    const e = { key: c, timeMs: t, targetIsEditable: editable };
    t += gaps[i % gaps.length] ?? 100;
    return e;
  });
}

// A fast typist: mean about 75 ms, with some 35 ms pairs and the odd long pause.
const FAST_TYPIST = [62, 35, 118, 71, 35, 90, 64, 35, 102, 80, 66, 35];

describe('WedgeDetector: scanners fast and slow', () => {
  it.each([2, 5, 10, 20, 25, 35, 45, 60])('a scanner at %i ms per key, window without a text box', (gap) => {
    expect(play(burst('BALLOT-000123', 1000, gap, false))).toEqual({ field: '', scans: ['BALLOT-000123'], cuts: [] });
  });

  it.each([5, 20, 35, 60])('a scanner at %i ms per key while a form field has focus: the field is left as it was', (gap) => {
    const before = typing('Smith', 0, [140]);
    const seen = burst('B0000001', 1000, gap, false); // its rhythm, seen once with no text box focused
    expect(play([...seen, ...before, ...burst('B0001234', 5000, gap, true)])).toEqual({ field: 'Smith', scans: ['B0000001', 'B0001234'], cuts: [] });
  });

  it('a slow, even burst into a text box is a person’s typing until a scanner has shown that rhythm', () => {
    expect(play(burst('SMITH', 0, 50, true))).toEqual({ field: 'SMITH', scans: [], cuts: [] });
    expect(play([...burst('B0000001', 0, 50, false), ...burst('B0000002', 2000, 48, true)]).scans).toEqual(['B0000001', 'B0000002']);
    expect(play([...burst('B0000001', 0, 5, false), ...burst('SMITH', 2000, 50, true)]).field).toBe('SMITH');
  });

  it('a slow scanner’s digits are a scan, never keys of their own (the old 30 ms limit took them as cure flags)', () => {
    const r = play([...burst('B-0001', 0, 5, false), ...burst('12345678', 2000, 45, false)]);
    expect(r.scans).toEqual(['B-0001', '12345678']);
    expect(r.field).toBe('');
  });

  it('Tab also ends a scan, and the scanner’s Shift keydowns do not break the burst', () => {
    expect(play(burst('AbCdEf', 0, 8, true, 'Tab')).scans).toEqual(['AbCdEf']);
  });

  it('a scan right after human typing keeps the typing in the field', () => {
    const human = typing('note 12', 0, FAST_TYPIST);
    const last = human.at(-1)?.timeMs ?? 0;
    expect(play([...human, ...burst('9876543210', last + 40, 5)])).toEqual({ field: 'note 12', scans: ['9876543210'], cuts: [] });
  });

  it('two scans back to back, and a scan right after a previous one', () => {
    expect(play([...burst('AAAA1', 0, 3), ...burst('BBBB2', 20, 3)]).scans).toEqual(['AAAA1', 'BBBB2']);
  });

  it('learns the scanner’s rhythm from its terminated bursts', () => {
    const d = new WedgeDetector();
    expect(d.rhythm()).toBeNull();
    play([...burst('AAAA1', 0, 40, false), ...burst('BBBB2', 1000, 40, false)], undefined, d);
    expect(d.rhythm()).toBe(40);
  });
});

describe('WedgeDetector: a pause inside a burst', () => {
  it.each([3, 5, 8])('one 45 ms pause inside a %i ms-per-key burst records the whole code, not its tail', (gap) => {
    expect(play(pausedBurst('B-000123', 0, gap, 3, 45))).toEqual({ field: '', scans: ['B-000123'], cuts: [] });
  });

  it('a pause longer than the station’s maximum gap cuts the code: "scan again", nothing recorded', () => {
    const r = play(pausedBurst('B-000123', 0, 5, 3, 300));
    expect(r).toEqual({ field: '', scans: [], cuts: ['B-000123'] });
  });

  it('the same pause is within the limit of a station set to allow it', () => {
    expect(play(pausedBurst('B-000123', 0, 5, 3, 300), { maxGapMs: 400 }).scans).toEqual(['B-000123']);
  });

  it('a fast burst whose terminator never comes is reported cut once the window passes, and removed from the field', () => {
    const keys = burst('B-000123', 0, 5, true, null);
    expect(play([...keys, { flushAt: 500 }])).toEqual({ field: 'B-000123', scans: [], cuts: [] });
    expect(play([...keys, { flushAt: 1100 }])).toEqual({ field: '', scans: [], cuts: ['B-000123'] });
  });

  it('a slow scanner’s cut head is known once its rhythm has been learned', () => {
    const d = new WedgeDetector();
    const r = play([...burst('B-0001', 0, 50, false), ...pausedBurst('B-000123', 2000, 50, 4, 400)], undefined, d);
    expect(r).toEqual({ field: '', scans: ['B-0001'], cuts: ['B-000123'] });
  });

  it('a tail of a different rhythm after a person’s quick keys is its own scan', () => {
    const person = [
      { key: 'a', timeMs: 0, targetIsEditable: true },
      { key: 'b', timeMs: 20, targetIsEditable: true },
      { key: 'c', timeMs: 40, targetIsEditable: true },
    ];
    const r = play([...person, ...burst('B-000123', 300, 50, false)]);
    expect(r.scans).toEqual(['B-000123']);
  });
});

describe('WedgeDetector: scanners configured without a terminator', () => {
  it('silence ends the code; the next code starts after it', () => {
    const d = new WedgeDetector({ terminator: 'none', maxGapMs: 80 });
    const r = play([...burst('CODE0001', 0, 5, false, null), { flushAt: 200 }, ...burst('CODE0002', 300, 5, false, null), { flushAt: 600 }], undefined, d);
    expect(r.scans).toEqual(['CODE0001', 'CODE0002']);
  });

  it('learns the rhythm of codes ended by silence, and then ends a code after three of its gaps', () => {
    const d = new WedgeDetector({ terminator: 'none', maxGapMs: 100 });
    play([...burst('CODE0001', 0, 10, false, null), { flushAt: 200 }], undefined, d);
    expect(d.rhythm()).toBe(10);
    expect(d.deadline()).toBeNull();
    d.key({ key: 'X', timeMs: 1000, targetIsEditable: false });
    expect(d.deadline()).toBe(1030);
  });

  it('Enter is then an ordinary key that passes through', () => {
    const r = play(typing('ok', 0, [150]).concat([{ key: 'Enter', timeMs: 400, targetIsEditable: true }]), { terminator: 'none' });
    expect(r.scans).toEqual([]);
  });

  it('a code that arrives right after another is split at the silence', () => {
    const r = play([...burst('CODE0001', 0, 5, false, null), ...burst('CODE0002', 200, 5, false, null), { flushAt: 600 }], { terminator: 'none', maxGapMs: 80 });
    expect(r.scans).toEqual(['CODE0001', 'CODE0002']);
  });
});

describe('WedgeDetector: people', () => {
  it('a fast typist (60–120 ms, some 35 ms pairs) is never taken for a scanner, Enter included', () => {
    const text = 'The quick brown fox 0123456789 jumps';
    const keys = typing(text, 0, FAST_TYPIST);
    const enter = { key: 'Enter', timeMs: (keys.at(-1)?.timeMs ?? 0) + 35, targetIsEditable: true };
    expect(play([...keys, enter, { flushAt: 100_000 }])).toEqual({ field: text, scans: [], cuts: [] });
  });

  it('a person’s even "the" at 60 ms is not taken for a cut scanner code', () => {
    expect(play([...typing('the', 0, [60]), { flushAt: 5000 }])).toEqual({ field: 'the', scans: [], cuts: [] });
  });

  it('Enter typed by a person right after a quick pair passes through', () => {
    expect(play([...typing('ok', 0, [20]), { key: 'Enter', timeMs: 40, targetIsEditable: true }]).scans).toEqual([]);
  });

  it('too short a burst is not a scan (minLength)', () => {
    expect(play(burst('AB1', 0, 5)).scans).toEqual([]);
    expect(play(burst('AB1', 0, 5), { minLength: 3 }).scans).toEqual(['AB1']);
  });

  it('Backspace or a shortcut in the middle ends the run', () => {
    const keys = burst('abcdefgh', 0, 5);
    keys.splice(3, 0, { key: 'Backspace', timeMs: 12, targetIsEditable: true });
    expect(play(keys)).toEqual({ field: 'abc', scans: ['defgh'], cuts: [] });
    const chord = burst('abcdefgh', 0, 5);
    chord.splice(2, 0, { key: 'v', timeMs: 7, targetIsEditable: true, ctrlKey: true });
    expect(play(chord)).toEqual({ field: 'ab', scans: ['cdefgh'], cuts: [] });
  });

  it('reset forgets the run without losing anything typed', () => {
    const d = new WedgeDetector();
    for (const k of burst('ABCDE', 0, 5).slice(0, -1)) d.key(k);
    d.reset();
    expect(d.key({ key: 'Enter', timeMs: 26, targetIsEditable: true })).toEqual({ type: 'pass' });
    expect(d.flush(10_000)).toEqual({ type: 'pass' });
  });
});

describe('WedgeDetector over arbitrary timings (1–80 ms per key, pauses)', () => {
  const key = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...'abcXYZ019-/ ') },
    { weight: 2, arbitrary: fc.constantFrom('Enter', 'Tab', 'Shift', 'Backspace', 'ArrowLeft') },
  );
  type Ev = { key: string; gap: number } | { flush: number };
  const anyKey = fc.record({ key, gap: fc.integer({ min: 0, max: 400 }) }).map((e): Ev[] => [e]);
  const silence = fc.integer({ min: 1, max: 3000 }).map((flush): Ev[] => [{ flush }]);
  // Scanner bursts at 1–80 ms per key, some with one pause of up to 400 ms inside.
  const scannerBurst = fc
    .tuple(fc.stringMatching(/^[A-Z0-9]{4,12}$/), fc.integer({ min: 1, max: 80 }), fc.integer({ min: 0, max: 400 }), fc.nat(12), fc.integer({ min: 0, max: 400 }))
    .map(([text, gap, first, pauseAt, pause]): Ev[] => [...text, 'Enter'].map((k, i) => ({ key: k, gap: i === 0 ? first : i === pauseAt ? pause : gap })));
  const events = fc.array(fc.oneof(anyKey, scannerBurst, silence), { maxLength: 30 }).map((parts) => parts.flat());

  for (const terminator of ['either', 'none'] as const)
    it(`every text key ends up exactly once, in order, in the field or in a scan or cut (terminator ${terminator})`, () => {
      let reported = 0;
      fc.assert(
        fc.property(events, (evs) => {
          let t = 0;
          const steps: Step[] = evs.map((e) => ('flush' in e ? { flushAt: (t += e.flush) } : { key: e.key, timeMs: (t += e.gap), targetIsEditable: true }));
          const d = new WedgeDetector({ terminator });
          const fate: { c: string; out: number | null }[] = [];
          const outs: string[] = [];
          let field = '';
          for (const s of steps) {
            const a = 'flushAt' in s ? d.flush(s.flushAt) : d.key(s);
            if (a.type !== 'pass') {
              expect(a.removeFromField).toBe(a.text);
              expect(field.endsWith(a.text)).toBe(true);
              field = field.slice(0, field.length - a.text.length);
              const inField = fate.filter((f) => f.out === null);
              for (const f of inField.slice(inField.length - [...a.text].length)) f.out = outs.length;
              outs.push(a.text);
            }
            if ((a.type === 'pass' || !a.preventKey) && !('flushAt' in s) && s.key.length === 1) {
              field += s.key;
              fate.push({ c: s.key, out: null });
            }
          }
          reported += outs.length;
          const typed = steps.filter((s): s is WedgeKey => !('flushAt' in s) && s.key.length === 1).map((k) => k.key);
          expect(fate.map((f) => f.c)).toEqual(typed);
          expect(field).toBe(fate.filter((f) => f.out === null).map((f) => f.c).join(''));
          outs.forEach((o, i) => expect(fate.filter((f) => f.out === i).map((f) => f.c).join('')).toBe(o));
        }),
        { numRuns: 400 },
      );
      expect(reported).toBeGreaterThan(0);
    });

  it('a scanner burst at 1–25 ms per key with one pause up to the limit (100 ms) is recorded whole, never a tail', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z0-9-]{4,20}$/), fc.integer({ min: 1, max: 25 }), fc.nat(20), fc.integer({ min: 1, max: 100 }), (text, gap, at, pause) => {
        const keys = pausedBurst(text, 10_000, gap, Math.min(at, [...text].length), pause);
        expect(play(keys)).toEqual({ field: '', scans: [text], cuts: [] });
      }),
    );
  });

  it('a slow scanner at 26–60 ms per key with ±15 % jitter on every key is recorded whole', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z0-9-]{4,20}$/), fc.integer({ min: 26, max: 60 }), fc.array(fc.double({ min: -0.15, max: 0.15, noNaN: true }), { minLength: 21, maxLength: 21 }), (text, gap, jitter) => {
        let t = 10_000;
        const keys = [...text, 'Enter'].map((key, i) => ({ key, timeMs: (t += Math.round(gap * (1 + (jitter[i] ?? 0)))), targetIsEditable: false }));
        expect(play(keys)).toEqual({ field: '', scans: [text], cuts: [] });
      }),
    );
  });

  it('a burst cut by a pause past the limit is never recorded as any code: the whole of it is reported cut', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z0-9]{6,20}$/), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 3, max: 5 }), fc.integer({ min: 101, max: 900 }), (text, gap, at, pause) => {
        const r = play(pausedBurst(text, 10_000, gap, at, pause));
        expect(r).toEqual({ field: '', scans: [], cuts: [text] });
      }),
    );
  });

  it('bursts set apart from a person’s typing are each found, and the typing stays in the field', () => {
    const human = fc.tuple(fc.stringMatching(/^[a-z0-9 ]{1,10}$/), fc.constantFrom(...FAST_TYPIST)).map(([text, gap]) => ({ human: true, text, gap }));
    const scan = fc.tuple(fc.stringMatching(/^[A-Z0-9-]{4,16}$/), fc.integer({ min: 1, max: FAST_MS })).map(([text, gap]) => ({ human: false, text, gap }));
    fc.assert(
      fc.property(fc.array(fc.oneof(human, scan), { maxLength: 12 }), (parts) => {
        let t = 0;
        const keys: WedgeKey[] = [];
        parts.forEach((p, n) => {
          t += 1500; // every part starts well after the previous one ended
          const chars = p.human ? [...p.text] : [...p.text, 'Enter'];
          chars.forEach((c, i) => keys.push({ key: c, timeMs: (t += i === 0 ? 0 : p.human ? (FAST_TYPIST[(i + n) % FAST_TYPIST.length] ?? 100) : p.gap), targetIsEditable: true }));
        });
        const r = play(keys);
        expect(r.scans).toEqual(parts.filter((p) => !p.human).map((p) => p.text));
        expect(r.field).toBe(parts.filter((p) => p.human).map((p) => p.text).join(''));
      }),
    );
  });

  it('people whose gaps are uneven (a typist’s 35–160 ms) never produce a scan or a cut', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ key, gap: fc.constantFrom(35, 62, 71, 90, 118, 160) }), { maxLength: 60 }), fc.nat(11), (evs, shift) => {
        let t = 0;
        const keys = evs.map((e, i) => ({ key: e.key, timeMs: (t += FAST_TYPIST[(i + shift) % FAST_TYPIST.length] ?? e.gap), targetIsEditable: true }));
        const r = play([...keys, { flushAt: t + 10_000 }]);
        expect(r.scans).toEqual([]);
        expect(r.cuts).toEqual([]);
      }),
    );
  });
});
