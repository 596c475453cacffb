import { localDateTime } from '../../words.js';

/**
 * USPS mail tracking in plain words for the screens: the phase without its number ("Origin
 * Processing"), the direction, where and when. The scan's time is the facility's own clock
 * (IV-MTR gives local times); it is shown as such, never converted as if it were ours.
 */
export function phaseWords(phase: string): string {
  const rest = phase.replace(/^\s*phase\s*\d[a-d]?\s*[-–:]?\s*/i, '').trim();
  return rest === '' ? (phase.trim() === '' ? 'scanned' : phase.trim()) : rest.toLowerCase();
}

export const DIRECTION_WORDS = { out: 'on its way to the voter', back: 'on its way back to the office' } as const;

export function placeWords(e: { facility: string; city: string; state: string; zip: string }): string {
  const town = [e.city, [e.state, e.zip].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return [e.facility, town].filter(Boolean).join(', ') || 'an unnamed USPS facility';
}

export function scanTimeWords(e: { scannedAt: string; scannedAtUtc: string | null }): string {
  return e.scannedAtUtc ? localDateTime(e.scannedAtUtc) : `${localDateTime(e.scannedAt)} (facility time)`;
}

export const LIST_WORDS = {
  'no-scan': { title: 'No USPS scan yet', waited: 'days since issued', help: 'Issued by mail and never scanned by the USPS. A missing scan is not proof of loss: check before reissuing.' },
  undeliverable: { title: 'Returned undeliverable', waited: 'days since', help: 'The USPS is returning the ballot to the office: a new ballot may be needed (the voter may have moved).' },
  'not-received': { title: 'At the office’s mail facility, not received', waited: 'hours since', help: 'The USPS scanned the return envelope near the office but it has not been scanned in here.' },
} as const;
