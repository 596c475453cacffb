import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeForTerminal, escapeLinesForTerminal, terminalSafeJson } from './terminal.js';

// eslint-disable-next-line no-control-regex
const DRIVES = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
// eslint-disable-next-line no-control-regex
const DRIVES_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const hostile = fc.string({ unit: fc.oneof(fc.constantFrom('\u001b', '\u0007', '\u009b', '\u0085', '\u202e', '\u2066', '\u200f', '\u061c', '\n', '\r', '\t'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) });

describe('terminal escaping', () => {
  it('leaves no control or bidi character in a message, whatever the text', () => {
    fc.assert(fc.property(hostile, (s) => !DRIVES.test(escapeForTerminal(s))), { numRuns: 2000 });
  });

  it('keeps newlines and tabs in a block of lines, and nothing else that drives a terminal', () => {
    fc.assert(fc.property(hostile, (s) => !DRIVES_BUT_LINES.test(escapeLinesForTerminal(s))), { numRuns: 2000 });
    expect(escapeLinesForTerminal('a\n\tb\u001b[2J')).toBe('a\n\tb\\u{001b}[2J');
  });

  it('writes JSON a reader gets back unchanged, with no raw control or bidi character in it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), hostile, (v, s) => {
        const value = { v, s };
        const text = terminalSafeJson(value);
        return !DRIVES.test(text) && JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves ordinary names alone, accents and all', () => {
    expect(escapeForTerminal('José Núñez-O’Brien, 12 Elm St.')).toBe('José Núñez-O’Brien, 12 Elm St.');
    expect(terminalSafeJson({ name: 'Zoë' })).toBe('{"name":"Zoë"}');
  });
});
