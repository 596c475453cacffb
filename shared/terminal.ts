/**
 * Text printed to a terminal must not drive it: C0/C1 control characters (escape sequences
 * retitle or clear the screen) and bidi overrides/isolates (which reorder what is shown) are
 * replaced by a visible \u{…} escape. Tab is kept in messages; newline is kept only where the
 * caller prints several lines.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
// eslint-disable-next-line no-control-regex
const UNSAFE_WITH_LINES = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

const escape = (c: string) => `\\u{${c.codePointAt(0)?.toString(16).padStart(4, '0') ?? ''}}`;

/** For a message line: every control and bidi character escaped, newlines and tabs too. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE_WITH_LINES, escape);
}

/** For a block of several lines (help, a list): newlines and tabs kept, the rest escaped. */
export function escapeLinesForTerminal(text: string): string {
  return text.replace(UNSAFE, escape);
}

/**
 * JSON for one NDJSON line. JSON.stringify escapes C0 controls but prints C1 controls and bidi
 * characters raw; they are written as \\uXXXX, which every JSON reader reads back unchanged.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/gu, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
