/** The station log for a person at a terminal: one line an event, nothing the terminal would act on. */
import type { OplogEntry } from '../../shared/oplog/events.js';

/** Controls, format characters (bidi overrides…) and line separators shown as \u{…}, never raw. */
export function forTerminal(text: string): string {
  return text.replace(/[\p{C}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

const two = (n: number): string => String(n).padStart(2, '0');

/** `2026-11-03 07:58:12` in the station's own time zone: what the clerk's clock on the wall says. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return forTerminal(iso);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** `2026-11-03 07:58:12  failure  scanner.disconnected  scanner Front desk … disconnected`. */
export function formatEntry(e: OplogEntry): string {
  return `${localTime(e.time)}  ${e.disposition.padEnd(7)}  ${e.event}  ${forTerminal(e.message)}`;
}
