import { Station } from '../../main/api/station.js';
import type { Actor } from '../../main/actions/context.js';
import type { Store } from '../../main/store/store.js';
import type { ServerScan, IvmtrServer } from '../helpers/ivmtr-server.js';
import { rollRow, seedRoll } from '../helpers/station.js';

export const MID = '123456';
export const SUPERVISOR: Actor = { name: 'sue', role: 'supervisor', via: 'cli-setup' };

/** The 9-digit serial of ballot n (6-digit mailer ID). */
export const serialOf = (n: number) => String(100 + n).padStart(9, '0');
/** The outbound piece's IMb (STID 700, a First-Class STID) and the return envelope's (STID 777). */
export const outImb = (n: number) => `00700${MID}${serialOf(n)}27601`;
export const backImb = (n: number) => `00777${MID}${serialOf(n)}27699`;

export function seedBallots(store: Store, count: number): void {
  seedRoll(
    store,
    Array.from({ length: count }, (_, i) => rollRow({ ballotId: `MB-${String(i + 1).padStart(4, '0')}`, voterId: `MV${i + 1}`, imbMailerId: MID, imbSerial: serialOf(i + 1) })),
  );
}

export function configure(store: Store, server: IvmtrServer, over: { pageSize?: number } = {}): void {
  const at = new Date().toISOString();
  store.config.set('imbMailerIds', [MID], 't', at);
  store.config.set('ivmtrAuthUrl', server.authUrl, 't', at);
  store.config.set('ivmtrApiUrl', server.apiUrl, 't', at);
  store.config.set('ivmtrUsername', server.username, 't', at);
  store.config.set('ivmtrRetryBaseSeconds', 0.01, 't', at);
  store.config.set('ivmtrTimeoutSeconds', 5, 't', at);
  store.config.set('ivmtrPageSize', over.pageSize ?? 2, 't', at);
  store.config.set('mailOfficeZips', ['27699'], 't', at);
}

export function scan(when: string, phase: string, over: Partial<ServerScan> = {}): ServerScan {
  return {
    scan_date_time: when,
    scan_event_code: 'SD',
    handling_event_type: 'A',
    mail_phase: phase,
    machine_name: 'DBCS-012',
    scan_facility_name: 'RALEIGH P&DC',
    scan_facility_city: 'RALEIGH',
    scan_facility_state: 'NC',
    scan_facility_zip: '27676',
    ...over,
  };
}

/** Ballot n mailed out and scanned twice on its way; its return envelope scanned at the office's facility. */
export function journey(server: IvmtrServer, n: number): void {
  server.addPiece(outImb(n), [scan('2026-10-05 08:12:00', 'Phase 1 - Origin Processing'), scan('2026-10-06 03:40:00', 'Phase 3 - Destination Processing', { scan_facility_zip: '27330' })]);
  server.addPiece(backImb(n), [scan('2026-10-20 22:05:00', 'Phase 3 - Destination Processing', { scan_facility_zip: '27699', scan_facility_name: 'RALEIGH NC P&DC' })]);
}

export const station = (store: Store) => new Station(store);
export const count = (store: Store, table: string) => (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
