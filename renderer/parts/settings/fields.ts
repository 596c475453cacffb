import type { ConfigKey } from '../../../shared/config.js';
import { parseTypedDate, parseTypedTime, usDate } from '../../../shared/typed-dates.js';

/** How a setting is typed on the form, and turned into the value the station stores. */
export type FieldKind = 'text' | 'number' | 'date' | 'deadline' | 'profile';

export interface FieldDef {
  key: ConfigKey;
  label: string;
  kind: FieldKind;
  /** May be cleared (back to none, or the default). */
  optional?: boolean;
  hint?: string;
}

export const PROFILES: { code: string; name: string }[] = [
  { code: 'generic', name: 'Generic (no state rules)' },
  { code: 'AZ', name: 'Arizona' },
  { code: 'CA', name: 'California' },
  { code: 'CO', name: 'Colorado' },
  { code: 'GA', name: 'Georgia' },
  { code: 'NC', name: 'North Carolina' },
  { code: 'PA', name: 'Pennsylvania' },
  { code: 'WA', name: 'Washington' },
];

const lcFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** A stored scalar as text; anything else (an object) as nothing. */
export function str(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** What the form shows for a stored value; a deadline is split into a local date and time. */
export function toTyped(kind: FieldKind, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (kind === 'date') return usDate(str(value));
  if (kind === 'deadline') {
    const d = new Date(str(value));
    if (Number.isNaN(d.getTime())) return '';
    const ymd = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    return `${usDate(ymd)} ${d.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' })}`;
  }
  return str(value);
}

/** An instant with this computer's UTC offset at that local date and time: "2026-11-03T19:30:00-05:00". */
function localInstant(ymd: string, hhmm: string): string {
  const [y = 0, m = 1, d = 1] = ymd.split('-').map(Number);
  const [h = 0, mi = 0] = hhmm.split(':').map(Number);
  const off = -new Date(y, m - 1, d, h, mi).getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `${ymd}T${hhmm}:00${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The typed text → the value to store, null to clear, or an error in plain words.
 * A deadline is typed as a date and a time ("11/03/2026 7:30 pm").
 */
export function fromTyped(def: FieldDef, typed: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const t = typed.trim();
  if (t === '') return def.optional ? { ok: true, value: null } : { ok: false, error: `${def.label} cannot be empty.` };
  switch (def.kind) {
    case 'text':
    case 'profile':
      return { ok: true, value: t };
    case 'number':
      return /^\d+$/.test(t) ? { ok: true, value: Number(t) } : { ok: false, error: `${def.label}: type a whole number.` };
    case 'date': {
      const d = parseTypedDate(t);
      return d.ok ? d : { ok: false, error: `${def.label}: ${lcFirst(d.error)}` };
    }
    case 'deadline': {
      const m = /^(.*?\d{2,4})\s+(?:at\s+)?(\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m?\.?)?)$/i.exec(t);
      if (!m) return { ok: false, error: `${def.label}: type a date and a time, for example 11/03/2026 7:30 pm.` };
      const d = parseTypedDate(m[1] ?? '');
      if (!d.ok) return { ok: false, error: `${def.label}: ${lcFirst(d.error)}` };
      const h = parseTypedTime(m[2] ?? '');
      if (!h.ok) return { ok: false, error: `${def.label}: ${lcFirst(h.error)}` };
      return { ok: true, value: localInstant(d.value, h.value) };
    }
  }
}
