import { describe, expect, it } from 'vitest';
import { dedupeKey, directionOf, handlingOf, parseScanDateTime, splitImbDigits, type MailEvent } from '../../shared/mail/event.js';
import { mailStatusOf, type MailStatusOptions } from '../../shared/mail/status.js';

const OPTS: MailStatusOptions = { officeZips: ['27601'], undeliverableOpCodes: ['891'] };

function ev(over: Partial<MailEvent>): MailEvent {
  return {
    barcodeId: '00',
    stid: '700',
    mailerId: '123456',
    serial: '000000001',
    routingZip: '27610',
    scannedAt: '2026-10-01T08:00:00',
    scannedAtUtc: null,
    operationCode: '044',
    eventCode: '',
    handling: 'actual',
    handlingCode: 'A',
    mailPhase: 'Phase 1 - Origin Primary Processing',
    machineName: 'DBCS-001',
    facilityName: 'RALEIGH NC P&DC',
    facilityCity: 'RALEIGH',
    facilityState: 'NC',
    facilityZip: '27676',
    ...over,
  };
}
const origin = ev({ mailPhase: 'Phase 0 - Origin Processing Cancellation of Postage', operationCode: '010' });
const transit = ev({ scannedAt: '2026-10-02T03:00:00', mailPhase: 'Phase 3a - Destination MMP Processing', operationCode: '271' });
const delivered = ev({ scannedAt: '2026-10-03T11:00:00', mailPhase: 'Phase 4c - Delivery', operationCode: '918' });
const logicalDelivery = ev({ ...delivered, handling: 'logical', handlingCode: 'L' });
const undeliverable = ev({ scannedAt: '2026-10-04T09:00:00', mailPhase: 'Phase 4b - Destination Sequenced Processing', operationCode: '891' });
const backAway = ev({ stid: '777', scannedAt: '2026-10-10T17:00:00', facilityZip: '28228', mailPhase: 'Phase 1 - Origin Primary Processing' });
const backHome = ev({ stid: '777', scannedAt: '2026-10-11T05:00:00', facilityZip: '27601', mailPhase: 'Phase 3b - Destination Processing' });

describe('mailStatusOf: each transition', () => {
  it('no events and no receipt is "no scan yet" (null), never "lost"', () => {
    expect(mailStatusOf([], null, OPTS)).toBeNull();
  });
  it('one outbound scan: mailed, decided by that scan', () => {
    const s = mailStatusOf([origin], null, OPTS);
    expect(s?.status).toBe('mailed');
    expect(s?.event).toEqual(origin);
  });
  it('later outbound scans: in transit to the voter, decided by the latest', () => {
    const s = mailStatusOf([origin, transit], null, OPTS);
    expect(s?.status).toBe('in-transit-out');
    expect(s?.event).toEqual(transit);
  });
  it('a Phase 4c actual scan: delivered, not assumed', () => {
    const s = mailStatusOf([origin, transit, delivered], null, OPTS);
    expect(s).toMatchObject({ status: 'delivered', assumed: false, event: delivered });
  });
  it('a logical delivery: delivered, assumed', () => {
    expect(mailStatusOf([origin, logicalDelivery], null, OPTS)).toMatchObject({ status: 'delivered', assumed: true });
  });
  it('an undeliverable operation code after delivery attempt: returned undeliverable', () => {
    const s = mailStatusOf([origin, delivered, undeliverable], null, OPTS);
    expect(s).toMatchObject({ status: 'returned-undeliverable', event: undeliverable });
  });
  it('a phase that says "return to sender" is undeliverable without any configured code', () => {
    const rts = ev({ scannedAt: '2026-10-05T09:00:00', mailPhase: 'UAA - Return to Sender', operationCode: '999' });
    expect(mailStatusOf([origin, rts], null, { officeZips: [] })?.status).toBe('returned-undeliverable');
  });
  it('a returning (STID 777) scan away from the office: in transit back', () => {
    expect(mailStatusOf([origin, delivered, backAway], null, OPTS)).toMatchObject({ status: 'in-transit-back', event: backAway });
  });
  it("a 777 scan at the office's facility ZIP: arrived, decided by the first such scan", () => {
    const later = ev({ ...backHome, scannedAt: '2026-10-11T09:00:00', operationCode: '919' });
    expect(mailStatusOf([backAway, later, backHome], null, OPTS)).toMatchObject({ status: 'arrived', event: backHome });
  });
  it('a 777 delivery scan (to the office) counts as arrived even at another ZIP', () => {
    const d = ev({ stid: '777', facilityZip: '27699', mailPhase: 'Phase 4c - Delivery', scannedAt: '2026-10-12T10:00:00' });
    expect(mailStatusOf([backAway, d], null, OPTS)?.status).toBe('arrived');
  });
  it('our receipt decides over every scan: received, no event', () => {
    const s = mailStatusOf([origin, backAway], { at: '2026-10-12T15:00:00.000Z' }, OPTS);
    expect(s).toMatchObject({ status: 'received', event: null, receipt: { at: '2026-10-12T15:00:00.000Z' } });
  });
  it('a receipt with no scans at all is received (2018: 87% of ballots carried no tracking barcode)', () => {
    expect(mailStatusOf([], { at: '2026-10-12T15:00:00.000Z' }, OPTS)?.status).toBe('received');
  });
  it('a ballot returned in person with its outbound piece only delivered stays delivered until received', () => {
    expect(mailStatusOf([delivered], null, OPTS)?.status).toBe('delivered');
  });
  it('an office with no ZIPs configured never says arrived: in transit back', () => {
    expect(mailStatusOf([backHome], null, { officeZips: [] })?.status).toBe('in-transit-back');
  });
  it('a missing destination scan (2020 caveat) leaves the last known status: in transit, not lost', () => {
    const s = mailStatusOf([origin, transit], null, OPTS);
    expect(s?.status).toBe('in-transit-out');
  });
});

describe('mailStatusOf: out-of-order events', () => {
  it('the same events in any order give the same status and deciding event', () => {
    const all = [origin, transit, delivered, undeliverable];
    const expected = mailStatusOf(all, null, OPTS);
    for (const order of [[undeliverable, delivered, transit, origin], [transit, undeliverable, origin, delivered]]) {
      expect(mailStatusOf(order, null, OPTS)).toEqual(expected);
    }
  });
  it('a delivery listed after an undeliverable scan but scanned earlier does not win', () => {
    expect(mailStatusOf([undeliverable, delivered], null, OPTS)?.status).toBe('returned-undeliverable');
  });
  it('an origin scan arriving after the delivery scan does not move the ballot back to mailed', () => {
    expect(mailStatusOf([delivered, origin], null, OPTS)?.status).toBe('delivered');
  });
  it('UTC instants order scans across time zones when the source gives them', () => {
    // 23:30 in Denver (UTC-6) is later than 01:00 next day in Raleigh (UTC-4) local time would suggest otherwise.
    const denver = ev({ scannedAt: '2026-10-02T23:30:00', scannedAtUtc: '2026-10-03T05:30:00.000Z', mailPhase: 'Phase 4c - Delivery' });
    const raleigh = ev({ scannedAt: '2026-10-03T01:00:00', scannedAtUtc: '2026-10-03T05:00:00.000Z', operationCode: '891', mailPhase: 'x' });
    expect(mailStatusOf([raleigh, denver], null, OPTS)?.status).toBe('delivered');
  });
});

describe('event helpers', () => {
  it('STID 777 is back, any other STID out', () => {
    expect(directionOf('777')).toBe('back');
    expect(directionOf('719')).toBe('out');
    expect(directionOf('040')).toBe('out');
  });
  it('handling codes: known words and letters, anything else unknown', () => {
    expect(handlingOf('A')).toBe('actual');
    expect(handlingOf('L')).toBe('logical');
    expect(handlingOf('Assumed')).toBe('assumed');
    expect(handlingOf('Z')).toBe('unknown');
  });
  it('splits 20-, 25-, 29- and 31-digit IMbs; refuses others', () => {
    expect(splitImbDigits('00700123456000000001')).toEqual({ ok: true, value: { barcodeId: '00', stid: '700', mailerId: '123456', serial: '000000001', routingZip: '' } });
    expect(splitImbDigits('0077791234567800000127601').ok).toBe(true);
    const nine = splitImbDigits('0077791234567800000127601');
    expect(nine.ok && nine.value).toMatchObject({ mailerId: '912345678', serial: '000001', routingZip: '27601' });
    expect(splitImbDigits('123').ok).toBe(false);
    expect(splitImbDigits('0070012345600000000X').ok).toBe(false);
  });
  it('scan date-times: ISO, offsets, US style; impossible dates refused', () => {
    expect(parseScanDateTime('2026-10-01 08:05:09')).toEqual({ ok: true, value: { local: '2026-10-01T08:05:09', utc: null } });
    expect(parseScanDateTime('2026-10-01T08:05:09.123-04:00')).toEqual({ ok: true, value: { local: '2026-10-01T08:05:09', utc: '2026-10-01T12:05:09.000Z' } });
    expect(parseScanDateTime('10/1/2026 8:05')).toEqual({ ok: true, value: { local: '2026-10-01T08:05:00', utc: null } });
    expect(parseScanDateTime('2026-02-30 08:00:00').ok).toBe(false);
    expect(parseScanDateTime('yesterday').ok).toBe(false);
  });
  it('the dedupe key is equal for the same scan, different for another operation', () => {
    expect(dedupeKey(origin)).toBe(dedupeKey({ ...origin }));
    expect(dedupeKey(origin)).not.toBe(dedupeKey({ ...origin, operationCode: '011' }));
  });
});
