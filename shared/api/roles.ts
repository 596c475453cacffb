import type { Role } from '../domain.js';
import { contract, type MethodName } from './contract.js';

/**
 * Actions the command line has and the app does not (yet): their roles sit beside the
 * contract's, in the same shape, so one lookup answers for both doors.
 */
export const CLI_ONLY_ACTIONS = {
  /** Reads the whole log (operators, ballots) for an outside auditor. */
  'audit.export': 'supervisor',
  /** A copy of every voter's record. */
  'backup.create': 'supervisor',
  /** Puts a backup in place of the station's database. */
  'backup.restore': 'supervisor',
  /** The ballot-tracking feed: every ballot's status changes. */
  'feed.export': 'supervisor',
  /** Reads one setting (the app reads them all with settings.get). */
  'settings.read': 'clerk',
  /** Sends closed batches and then pulls the state's changes into the roll. */
  'sync.pullChanges': 'supervisor',
  /** Scans from serial/HID scanners attached to the command line's own process. */
  'scan.devices': 'clerk',
  /** Loads the voters' signatures on file from the state's export. */
  'signatures.import': 'supervisor',
  /** Brings USPS IV-MTR scan events in from a file (docs/mail.md). */
  'mail.import': 'supervisor',
  /** A ballot's USPS scans and mail status. */
  'mail.status': 'clerk',
  /** Asks the USPS's IV-MTR API for the scans of every ballot still in the mail (its account's password in the environment). */
  'mail.fetch': 'supervisor',
  /** County (docs/county.md): this station's roll to the hub, for every station set to the county roll. */
  'roll.publish': 'supervisor',
  /** County: the hub's newest roll into this station's. */
  'roll.pull': 'supervisor',
  /** One push and pull round with the county hub (`intake hub push|pull`); the running station does it by itself. */
  'county.replicate': 'supervisor',
} as const satisfies Record<string, Role>;

export type ActionName = MethodName | keyof typeof CLI_ONLY_ACTIONS;

/** The least role an action needs ('public': none). */
export function roleOf(action: ActionName): Role | 'public' {
  return Object.hasOwn(CLI_ONLY_ACTIONS, action) ? CLI_ONLY_ACTIONS[action as keyof typeof CLI_ONLY_ACTIONS] : contract[action as MethodName].role;
}
