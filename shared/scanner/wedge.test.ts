import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LoneKey, WedgeDetector, type WedgeKey, type WedgeOptions } from './wedge.js';

/** Plays keydowns into a detector and a simulated focused field, as the renderer would. */
function play(events: WedgeKey[], opts?: WedgeOptions): { field: string; scans: string[] } {
  const d = new WedgeDetector(opts);
  let field = '';
  const scans: string[] = [];
  for (const e of events) {
    const a = d.key(e);
    if (a.type === 'scan') {
      // The caller removes the burst's characters only where they are: just before the caret.
      expect(field.endsWith(a.removeFromField)).toBe(true);
      field = field.slice(0, field.length - a.removeFromField.length);
      scans.push(a.text);
    } else if (e.targetIsEditable && [...e.key].length === 1 && e.ctrlKey !== true) {
      field += e.key;
    }
  }
  return { field, scans };
}

/** Keys of `text` then Enter, `gapMs` apart, starting at `t0`; capitals preceded by a Shift keydown. */
function burst(text: string, t0: number, gapMs: number, editable = true, end = 'Enter'): WedgeKey[] {
  const out: WedgeKey[] = [];
  let t = t0;
  for (const c of text) {
    if (c !== c.toLowerCase()) out.push({ key: 'Shift', timeMs: t - 1, targetIsEditable: editable });
    out.push({ key: c, timeMs: t, targetIsEditable: editable });
    t += gapMs;
  }
  out.push({ key: end, timeMs: t, targetIsEditable: editable });
  return out;
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

// A fast typist: mean about 75 ms, with some 35 ms pairs.
const FAST_TYPIST = [62, 35, 118, 71, 35, 90, 64, 35, 102, 80, 66, 35];

describe('WedgeDetector: scanners', () => {
  it.each([2, 10, 25])('a scanner at %i ms per key, window without a text box', (gap) => {
    const r = play(burst('BALLOT-000123', 1000, gap, false));
    expect(r).toEqual({ field: '', scans: ['BALLOT-000123'] });
  });

  it.each([2, 10, 25])(
    'a scanner at %i ms per key while a form field has focus: the field is left as it was',
    (gap) => {
      const before = typing('Smith', 0, [140]);
      const r = play([...before, ...burst('B0001234', 5000, gap, true)]);
      expect(r).toEqual({ field: 'Smith', scans: ['B0001234'] });
    },
  );

  it('Tab also ends a scan, and the scanner Shift keydowns do not break the burst', () => {
    expect(play(burst('AbCdEf', 0, 8, true, 'Tab')).scans).toEqual(['AbCdEf']);
  });

  it('a scan right after human typing keeps the typing in the field', () => {
    const human = typing('note 12', 0, FAST_TYPIST);
    const last = human.at(-1)?.timeMs ?? 0;
    const r = play([...human, ...burst('9876543210', last + 40, 5)]);
    expect(r).toEqual({ field: 'note 12', scans: ['9876543210'] });
  });

  it('two scans back to back, and a scan right after a previous one', () => {
    const r = play([...burst('AAAA1', 0, 3), ...burst('BBBB2', 20, 3)]);
    expect(r.scans).toEqual(['AAAA1', 'BBBB2']);
  });
});

describe('WedgeDetector: people', () => {
  it('a fast typist (60–120 ms, some 35 ms pairs) is never taken for a scanner, Enter included', () => {
    const text = 'The quick brown fox 0123456789 jumps';
    const keys = typing(text, 0, FAST_TYPIST);
    const enter = { key: 'Enter', timeMs: (keys.at(-1)?.timeMs ?? 0) + 35, targetIsEditable: true };
    const d = new WedgeDetector();
    expect([...keys, enter].map((k) => d.key(k).type).every((t) => t === 'pass')).toBe(true);
    expect(play([...keys, enter])).toEqual({ field: text, scans: [] });
  });

  it('Enter typed by a person right after a quick pair passes through', () => {
    const keys = typing('ok', 0, [20]);
    expect(play([...keys, { key: 'Enter', timeMs: 40, targetIsEditable: true }]).scans).toEqual([]);
  });

  it('too short a burst is not a scan (minLength)', () => {
    expect(play(burst('AB1', 0, 5)).scans).toEqual([]);
    expect(play(burst('AB1', 0, 5), { minLength: 3 }).scans).toEqual(['AB1']);
  });

  it('a late Enter after a burst is a person’s Enter; the burst stays typed', () => {
    const keys = burst('FAST1234', 0, 5).slice(0, -1);
    const r = play([...keys, { key: 'Enter', timeMs: 1000, targetIsEditable: true }]);
    expect(r).toEqual({ field: 'FAST1234', scans: [] });
  });

  it('Backspace or a shortcut in the middle ends the run', () => {
    const keys = burst('abcdefgh', 0, 5);
    keys.splice(3, 0, { key: 'Backspace', timeMs: 12, targetIsEditable: true });
    expect(play(keys)).toEqual({ field: 'abc', scans: ['defgh'] });
    const chord = burst('abcdefgh', 0, 5);
    chord.splice(2, 0, { key: 'v', timeMs: 7, targetIsEditable: true, ctrlKey: true });
    expect(play(chord)).toEqual({ field: 'ab', scans: ['cdefgh'] });
  });

  it('reset forgets the run without losing anything typed', () => {
    const d = new WedgeDetector();
    for (const k of burst('ABCDE', 0, 5).slice(0, -1)) d.key(k);
    d.reset();
    expect(d.key({ key: 'Enter', timeMs: 26, targetIsEditable: true })).toEqual({ type: 'pass' });
  });
});

describe('WedgeDetector never loses a keystroke', () => {
  const key = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...'abcXYZ019-/ ') },
    { weight: 2, arbitrary: fc.constantFrom('Enter', 'Tab', 'Shift', 'Backspace', 'ArrowLeft') },
  );
  // Any key at any gap (a person, or noise), mixed with scanner bursts (text then Enter, 0–30 ms
  // apart), so runs both do and do not become scans, and bursts touch the keys around them.
  const anyKey = fc.record({ key, gap: fc.integer({ min: 0, max: 150 }) }).map((e) => [e]);
  const scannerBurst = fc
    .tuple(
      fc.stringMatching(/^[A-Z0-9]{4,12}$/),
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 0, max: 150 }),
    )
    .map(([text, gap, first]) => [...text, 'Enter'].map((k, i) => ({ key: k, gap: i === 0 ? first : gap })));
  const event = fc.array(fc.oneof(anyKey, scannerBurst), { maxLength: 30 }).map((parts) => parts.flat());

  it('every text key ends up exactly once, in order, in the field or in a scan', () => {
    let scansSeen = 0;
    fc.assert(
      fc.property(event, (evs) => {
        let t = 0;
        const keys = evs.map((e) => ({ key: e.key, timeMs: (t += e.gap), targetIsEditable: true }));
        const d = new WedgeDetector();
        // Each text key, labelled with where it ended up: the field, or the scan that took it.
        const fate: { c: string; scan: number | null }[] = [];
        const scans: string[] = [];
        let field = '';
        for (const k of keys) {
          const a = d.key(k);
          if (a.type === 'scan') {
            expect(a.removeFromField).toBe(a.text);
            expect(field.endsWith(a.text)).toBe(true);
            field = field.slice(0, field.length - a.text.length);
            const inField = fate.filter((f) => f.scan === null);
            for (const f of inField.slice(inField.length - a.text.length)) f.scan = scans.length;
            scans.push(a.text);
          } else if (k.key.length === 1) {
            field += k.key;
            fate.push({ c: k.key, scan: null });
          }
        }
        scansSeen += scans.length;
        const typed = keys.filter((k) => k.key.length === 1).map((k) => k.key);
        expect(fate.map((f) => f.c)).toEqual(typed);
        expect(field).toBe(
          fate
            .filter((f) => f.scan === null)
            .map((f) => f.c)
            .join(''),
        );
        scans.forEach((s, i) =>
          expect(
            fate
              .filter((f) => f.scan === i)
              .map((f) => f.c)
              .join(''),
          ).toBe(s),
        );
      }),
      { numRuns: 300 },
    );
    expect(scansSeen).toBeGreaterThan(0);
  });

  it('bursts set apart from a person’s typing are each found, and the typing stays in the field', () => {
    const human = fc
      .tuple(fc.stringMatching(/^[a-z0-9 ]{1,10}$/), fc.integer({ min: 31, max: 300 }))
      .map(([text, gap]) => ({ human: true, text, gap }));
    const scan = fc
      .tuple(fc.stringMatching(/^[A-Z0-9-]{4,16}$/), fc.integer({ min: 0, max: 30 }))
      .map(([text, gap]) => ({ human: false, text, gap }));
    fc.assert(
      fc.property(fc.array(fc.oneof(human, scan), { maxLength: 12 }), (parts) => {
        let t = 0;
        const keys: WedgeKey[] = [];
        for (const p of parts) {
          t += 31 + p.gap; // every part starts more than maxGapMs after the previous key
          const chars = p.human ? [...p.text] : [...p.text, 'Enter'];
          chars.forEach((c, i) =>
            keys.push({ key: c, timeMs: (t += i === 0 ? 0 : p.gap), targetIsEditable: true }),
          );
        }
        const r = play(keys);
        expect(r.scans).toEqual(parts.filter((p) => !p.human).map((p) => p.text));
        expect(r.field).toBe(
          parts
            .filter((p) => p.human)
            .map((p) => p.text)
            .join(''),
        );
      }),
    );
  });

  it('people whose every gap exceeds maxGapMs never produce a scan', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key, gap: fc.integer({ min: 31, max: 400 }) }), { maxLength: 60 }),
        (evs) => {
          let t = 0;
          const keys = evs.map((e) => ({ key: e.key, timeMs: (t += e.gap), targetIsEditable: true }));
          expect(play(keys).scans).toEqual([]);
        },
      ),
    );
  });
});

describe('LoneKey: a digit shortcut beside a wedge scanner', () => {
  const digit = (k: string) => /^[1-9]$/.test(k);
  /** Feeds keys at the given times; settles after each candidate once the next key is past the gap. */
  function shortcuts(keys: [string, number][]): string[] {
    const lone = new LoneKey(30);
    const out: string[] = [];
    let waiting = false;
    for (const [k, t] of keys) {
      if (lone.key(k, t, digit(k))) waiting = true;
    }
    if (waiting) {
      const s = lone.settle();
      if (s) out.push(s);
    }
    return out;
  }

  it('takes a person pressing one digit', () => {
    expect(shortcuts([['1', 1000]])).toEqual(['1']);
  });

  it('never takes a digit from a scanner burst, first, middle or last', () => {
    const burst = (text: string, gap: number) => [...text, 'Enter'].map((k, i) => [k, 5000 + i * gap] as [string, number]);
    for (const code of ['B-0001', '1234', 'X9', '00001']) for (const gap of [1, 3, 8, 25]) expect(shortcuts(burst(code, gap))).toEqual([]);
  });

  it('takes the digit when the next key comes later than a scanner would', () => {
    const lone = new LoneKey(30);
    expect(lone.key('3', 100, true)).toBe(true);
    expect(lone.key('a', 200, false)).toBe(false);
    expect(lone.settle()).toBe('3');
    expect(lone.settle()).toBeNull();
  });

  it('never takes a digit that ends a quick run of keys', () => {
    const lone = new LoneKey(30);
    lone.key('B', 100, false);
    expect(lone.key('1', 110, true)).toBe(false);
  });

  it('over random bursts, no scanner digit is ever a shortcut', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z0-9-]{2,20}$/), fc.integer({ min: 1, max: 30 }), (text, gap) => {
        const keys = [...text, 'Enter'].map((k, i) => [k, 10_000 + i * gap] as [string, number]);
        expect(shortcuts(keys)).toEqual([]);
      }),
    );
  });
});
