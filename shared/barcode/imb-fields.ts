/**
 * The IMb's payload fields (USPS-B-3200): a 20-digit tracking code (barcode ID 2 digits, the
 * second 0–4; service type 3; mailer ID 6 digits, or 9 when it starts with 9; serial 9 or 6)
 * and a routing code of 0, 5, 9 or 11 digits. Shared by the bar and the digit readers.
 */
import { err, ok, type Result } from '../result.js';

export interface ImbFields {
  tracking: string;
  routing: string;
  barcodeId: string;
  serviceType: string;
  mailerId: string;
  serial: string;
}

export interface ImbDecoded extends ImbFields {
  upsideDown: boolean;
}

export const TRACKING_LENGTH = 20;
export const ROUTING_LENGTHS: readonly number[] = [0, 5, 9, 11];

/**
 * The tracking code's fields. The mailer ID is 6 digits unless it starts with 9, in which
 * case it is 9 digits and the serial shrinks to 6, keeping mailer ID + serial at 15.
 */
export function splitTracking(tracking: string): Result<Omit<ImbFields, 'routing' | 'tracking'>> {
  if (tracking.length !== TRACKING_LENGTH)
    return err(`IMb tracking code must be ${TRACKING_LENGTH} digits, got ${tracking.length}`);
  if (!/^\d+$/.test(tracking)) return err('IMb tracking code must contain only digits');
  const barcodeId = tracking.slice(0, 2);
  if (barcodeId.charAt(1) > '4')
    return err(`IMb barcode ID ${barcodeId} is invalid: its second digit must be 0-4`);
  const mailerLength = tracking.charAt(5) === '9' ? 9 : 6;
  return ok({
    barcodeId,
    serviceType: tracking.slice(2, 5),
    mailerId: tracking.slice(5, 5 + mailerLength),
    serial: tracking.slice(5 + mailerLength),
  });
}

export function checkRouting(routing: string): Result<string> {
  if (!ROUTING_LENGTHS.includes(routing.length))
    return err(`IMb routing code must be 0, 5, 9 or 11 digits, got ${routing.length}`);
  if (!/^\d*$/.test(routing)) return err('IMb routing code must contain only digits');
  return ok(routing);
}

export function toDecoded(
  payload: { tracking: string; routing: string },
  upsideDown: boolean,
): Result<ImbDecoded> {
  const fields = splitTracking(payload.tracking);
  if (!fields.ok) return fields;
  const { barcodeId, serviceType, mailerId, serial } = fields.value;
  return ok({
    tracking: payload.tracking,
    routing: payload.routing,
    barcodeId,
    serviceType,
    mailerId,
    serial,
    upsideDown,
  });
}
