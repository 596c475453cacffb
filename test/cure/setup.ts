import type { Store } from '../../main/store/store.js';

/** A clock the test moves by hand (the services read it at every step). */
export function manualClock(start: string): { now: () => Date; set: (iso: string) => void } {
  let at = new Date(start);
  return { now: () => new Date(at), set: (iso) => (at = new Date(iso)) };
}

export const OFFICE = {
  officeName: 'Wake County Board of Elections',
  officeAddress: ['1200 N New Hope Rd', 'Raleigh NC 27610'],
  officePhone: '919-555-0100',
  officeEmail: 'elections@wake.example.org',
  officeWebsite: 'https://wake.example.org/cure',
} as const;

/** The settings a cure office needs: the state profile, the election and the office's contact. */
export function configureOffice(store: Store, opts: { profile?: string; electionDate?: string } = {}): void {
  const at = new Date().toISOString();
  store.config.set('election', 'E2026', 'setup', at);
  store.config.set('stateProfile', opts.profile ?? 'NC', 'setup', at);
  store.config.set('electionDate', opts.electionDate ?? '2026-11-03', 'setup', at);
  store.config.set('electionName', '2026 General Election', 'setup', at);
  store.config.set('officeName', OFFICE.officeName, 'setup', at);
  store.config.set('officeAddress', [...OFFICE.officeAddress], 'setup', at);
  store.config.set('officePhone', OFFICE.officePhone, 'setup', at);
  store.config.set('officeEmail', OFFICE.officeEmail, 'setup', at);
  store.config.set('officeWebsite', OFFICE.officeWebsite, 'setup', at);
}
