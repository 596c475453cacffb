/**
 * A ballot's mail status, derived from its USPS scan events and the station's own receipt.
 * Asked in the order a clerk answering the phone would ask: did we receive it? is it on its way
 * back (and has it reached our facility)? did the outbound piece come back undeliverable or get
 * delivered? has the USPS scanned it at all?
 *
 * There is deliberately no "lost": in 2020 about 300,000 ballots had no destination scan because
 * the USPS pulled them to deliver faster, so a missing scan is not proof of loss (DOMAIN.md §11).
 * No events and no receipt is "no scan yet" (null), and the attention lists (not this function)
 * decide when silence is worth a supervisor's look.
 *
 * Pure: mail events inform, they never decide a receipt or a verdict.
 */
import { eventDirection, type MailEvent } from './event.js';

export const MAIL_STATUSES = [
  'mailed',
  'in-transit-out',
  'delivered',
  'returned-undeliverable',
  'in-transit-back',
  'arrived',
  'received',
] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/** Plain words for each status (screens, CLI, feed details). */
export const MAIL_STATUS_WORDS: Readonly<Record<MailStatus, string>> = {
  mailed: 'mailed',
  'in-transit-out': 'in transit to the voter',
  delivered: 'delivered',
  'returned-undeliverable': 'returned undeliverable',
  'in-transit-back': 'in transit back to the office',
  arrived: "arrived at the office's mail facility",
  received: 'received at the office',
};

export interface MailStatusOptions {
  /** The ZIP codes (5 digits) of the USPS facilities that serve the office (config `mailOfficeZips`). */
  officeZips: readonly string[];
  /** USPS operation codes the office treats as "undeliverable, returning to sender" (config `mailUndeliverableOpCodes`). */
  undeliverableOpCodes?: readonly string[];
}

/** The station's own scan of the returned envelope, when there is a current receipt. */
export interface MailReceipt {
  at: string;
}

export interface MailStatusResult {
  status: MailStatus;
  /** Delivered on the strength of a logical or assumed scan, not a carrier's actual scan. */
  assumed: boolean;
  /** The scan that decided the status; null when our own receipt decided it. */
  event: MailEvent | null;
  receipt: MailReceipt | null;
}

/** Deliveries are Phase 4c, "Delivery" (IV-MTR mail phases run Phase 0 … Phase 4c). */
export function isDeliveryEvent(e: MailEvent): boolean {
  const p = e.mailPhase;
  if (/undeliver/i.test(p)) return false;
  return /\bphase\s*4c\b/i.test(p) || /\bdeliver(y|ed)\b/i.test(p);
}

/** A piece sent back as undeliverable: said so by its phase, or by an operation the office lists. */
export function isUndeliverableEvent(e: MailEvent, opts: MailStatusOptions): boolean {
  if (/undeliverable|return(ed)? to sender|\bUAA\b|nixie/i.test(e.mailPhase)) return true;
  return (opts.undeliverableOpCodes ?? []).includes(e.operationCode);
}

export function isOfficeFacility(e: MailEvent, opts: MailStatusOptions): boolean {
  return e.facilityZip.length >= 5 && opts.officeZips.includes(e.facilityZip.slice(0, 5));
}

/**
 * Files arrive out of order (a feed resends, a one-time query backfills): order by when the scan
 * happened — the UTC instant when the source gave one, else the facility's local time — and then
 * by a stable key so the same set of events always gives the same answer.
 */
export function chronological(events: readonly MailEvent[]): MailEvent[] {
  const key = (e: MailEvent) => e.scannedAtUtc?.slice(0, 19) ?? e.scannedAt;
  return [...events].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka < kb ? -1 : 1;
    const ta = `${a.operationCode}|${a.eventCode}|${a.facilityZip}|${a.machineName}`;
    const tb = `${b.operationCode}|${b.eventCode}|${b.facilityZip}|${b.machineName}`;
    return ta < tb ? -1 : ta > tb ? 1 : 0;
  });
}

function result(status: MailStatus, event: MailEvent | null, receipt: MailReceipt | null, assumed = false): MailStatusResult {
  return { status, assumed, event, receipt };
}

/** The status of one ballot from all its events (any order) and its current receipt; null is "no scan yet". */
export function mailStatusOf(
  events: readonly MailEvent[],
  receipt: MailReceipt | null | undefined,
  opts: MailStatusOptions,
): MailStatusResult | null {
  const ordered = chronological(events);
  const back = ordered.filter((e) => eventDirection(e) === 'back');
  const out = ordered.filter((e) => eventDirection(e) === 'out');
  if (receipt) return result('received', null, receipt);
  if (back.length > 0) return backStatus(back, opts);
  if (out.length > 0) return outStatus(out, opts);
  return null;
}

/** On its way back: arrived once any scan is at the office's facility or delivers it to the office. */
function backStatus(back: MailEvent[], opts: MailStatusOptions): MailStatusResult {
  const arrival = back.find((e) => isOfficeFacility(e, opts) || isDeliveryEvent(e));
  if (arrival) return result('arrived', arrival, null);
  return result('in-transit-back', back.at(-1) ?? null, null);
}

/** On its way out: the latest delivery-or-undeliverable scan decides; before either, mailed or in transit. */
function outStatus(out: MailEvent[], opts: MailStatusOptions): MailStatusResult {
  const terminal = out.filter((e) => isUndeliverableEvent(e, opts) || isDeliveryEvent(e)).at(-1);
  if (terminal) {
    if (isUndeliverableEvent(terminal, opts)) return result('returned-undeliverable', terminal, null);
    const assumed = terminal.handling === 'logical' || terminal.handling === 'assumed';
    return result('delivered', terminal, null, assumed);
  }
  if (out.length === 1) return result('mailed', out[0] ?? null, null);
  return result('in-transit-out', out.at(-1) ?? null, null);
}
