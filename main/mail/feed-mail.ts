import { chronological, isDeliveryEvent, isOfficeFacility, isUndeliverableEvent, type MailStatusOptions } from '../../shared/mail/status.js';
import type { Db } from '../store/db.js';
import { MailStore, type StoredMailEvent } from '../store/mail.js';

/**
 * The tracking feed's mail events (docs/feed.md): the milestones of a ballot's journey, each
 * told once, at the audit entry of the import (file or fetch) that first brought a scan showing
 * it. That entry's seq is their cursor, so they fall in order among the receipts and cure steps
 * the station recorded, and an export never splits them.
 *
 * Milestones, in the order of a journey: in-transit (the outbound piece's first scan),
 * delivered or undeliverable (a Phase 4c delivery, or a return to sender), in-transit-back (the
 * return envelope's first scan, STID 777), arrived (the return scanned at the office's facility
 * or delivered to it). The status rule's own tests (shared/mail/status.ts) decide each one.
 */
export const MAIL_FEED_STATUSES = ['in-transit', 'delivered', 'undeliverable', 'in-transit-back', 'arrived'] as const;
export type MailFeedStatus = (typeof MAIL_FEED_STATUSES)[number];

export interface MailMilestone {
  ballotId: string;
  status: MailFeedStatus;
  detail: string;
  event: StoredMailEvent;
}

const DETAIL: Record<MailFeedStatus, string> = {
  'in-transit': 'in the mail to the voter',
  delivered: 'delivered to the voter',
  undeliverable: 'returned undeliverable: the voter may need a new ballot',
  'in-transit-back': 'in the mail back to the office',
  arrived: "arrived at the office's mail facility",
};

function qualifies(status: MailFeedStatus, e: StoredMailEvent, o: MailStatusOptions): boolean {
  switch (status) {
    case 'in-transit':
      return e.direction === 'out';
    case 'delivered':
      return e.direction === 'out' && isDeliveryEvent(e) && !isUndeliverableEvent(e, o);
    case 'undeliverable':
      return e.direction === 'out' && isUndeliverableEvent(e, o);
    case 'in-transit-back':
      return e.direction === 'back';
    case 'arrived':
      return e.direction === 'back' && (isOfficeFacility(e, o) || isDeliveryEvent(e));
  }
}

/**
 * The milestones that import `importId` reached first: for each ballot it touched, each
 * milestone whose earliest-recorded qualifying scan came in this import (an earlier import that
 * showed it already told it), sorted by when the scans happened.
 */
export function mailMilestones(db: Db, importId: number, o: MailStatusOptions): MailMilestone[] {
  const mail = new MailStore(db);
  const ballots = db.prepare<[number], { ballot_id: string }>('SELECT DISTINCT ballot_id FROM mail_event_rows WHERE import_id = ? AND ballot_id IS NOT NULL ORDER BY ballot_id').all(importId);
  const out: MailMilestone[] = [];
  for (const { ballot_id: ballotId } of ballots) {
    const events = chronological(mail.eventsOf(ballotId)) as StoredMailEvent[];
    for (const status of MAIL_FEED_STATUSES) {
      const q = events.filter((e) => qualifies(status, e, o));
      if (q.length === 0 || Math.min(...q.map((e) => e.importId)) !== importId) continue;
      const first = q.find((e) => e.importId === importId);
      if (first) out.push({ ballotId, status, detail: DETAIL[status], event: first });
    }
  }
  const key = (m: MailMilestone) => m.event.scannedAtUtc?.slice(0, 19) ?? m.event.scannedAt;
  return out.sort((a, b) => key(a).localeCompare(key(b)) || MAIL_FEED_STATUSES.indexOf(a.status) - MAIL_FEED_STATUSES.indexOf(b.status));
}
