import { localDateTime } from '../../words.js';

/**
 * USPS mail tracking in plain words for the screens: the phase without its number ("Origin
 * Processing"), the direction, where and when. The scan's time is the facility's own clock
 * (IV-MTR gives local times); it is shown as such, never converted as if it were ours.
 */
export function phaseWords(phase: string): string {
  const rest = phase.replace(/^\s*phase\s*\d[a-d]?\s*[-–:]?\s*/i, '').trim();
  if (rest === '') return phase.trim() === '' ? 'scanned' : phase.trim();
  // "Destination SCF Processing" → "destination SCF processing": acronyms keep their capitals.
  return rest
    .split(/\s+/)
    .map((w) => (/^[A-Z&]{2,5}$/.test(w) && !/^(AND|THE|TO|OF|AT)$/.test(w) ? w : w.toLowerCase()))
    .join(' ');
}

export const DIRECTION_WORDS = { out: 'on its way to the voter', back: 'on its way back to the office' } as const;

export function placeWords(e: { facility: string; city: string; state: string; zip: string }): string {
  const town = [e.city, [e.state, e.zip].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return [e.facility, town].filter(Boolean).join(', ') || 'an unnamed USPS facility';
}

/** A scan's time; `facility` marks a facility-local time when the screen does not say it once for all. */
export function scanTimeWords(e: { scannedAt: string; scannedAtUtc: string | null }, markFacility = true): string {
  return e.scannedAtUtc ? localDateTime(e.scannedAtUtc) : `${localDateTime(e.scannedAt)}${markFacility ? ' (facility time)' : ''}`;
}

export const LIST_WORDS = {
  'no-scan': { title: 'No USPS scan yet', count: 'with no USPS scan yet', waited: 'Days since issued', help: 'Issued by mail and never scanned by the USPS. A missing scan is not proof of loss: check before reissuing.' },
  undeliverable: { title: 'Returned undeliverable', count: 'returned undeliverable', waited: 'Days since', help: 'The USPS is returning the ballot to the office: a new ballot may be needed (the voter may have moved).' },
  'not-received': { title: 'At the office’s mail facility, not received', count: 'at the office’s mail facility, not received', waited: 'Hours since', help: 'The USPS scanned the return envelope near the office but it has not been scanned in here.' },
} as const;
