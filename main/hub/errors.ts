/**
 * What the hub's refusals and the network's failures mean, in plain words, by SQLSTATE or
 * Node error code (never by message text, which a server can word differently). The hub's own
 * refusals (class IH, main/hub/migrations/v2-functions.ts) already carry a plain message; it is
 * kept as it is.
 */
export const HUB_REFUSALS = {
  IH001: 'not-a-station',
  IH002: 'retired',
  IH003: 'push-too-big',
  IH004: 'malformed-entry',
  IH005: 'other-station',
  IH006: 'bad-pull',
  IH010: 'entry-differs',
  IH011: 'gap',
  IH012: 'chain-broken',
  IH013: 'entry-altered',
  // A county.resolve entry that does not hold against the scan it resolves (hub migration 7).
  IH020: 'scan-not-at-hub',
  IH021: 'not-a-problem',
  IH022: 'resolution-does-not-fit',
  IH023: 'already-resolved',
  IH024: 'taken-back',
  // A county.conflict-resolve entry that does not hold against the conflict it resolves (hub migration 8).
  IH025: 'conflict-not-at-hub',
  IH026: 'not-a-conflict-resolution',
  IH027: 'conflict-already-resolved',
  // An envelope image file refused by put_image / has_images (hub migration 5).
  IH030: 'image-does-not-match',
  IH031: 'image-refused',
  // The county views, roll and sync lease (hub migrations 4 and 6): the role, a roll version that
  // is not (or no longer) open, a request out of bounds. The hint names the case.
  IH401: 'not-a-station',
  IH409: 'roll-version',
  IH422: 'bad-request',
} as const;
export type HubRefusal = (typeof HUB_REFUSALS)[keyof typeof HUB_REFUSALS];

interface PgLikeError {
  code?: string;
  message?: string;
  hint?: string;
}

/** The hub's refusal kind for an error, or null when it is not one of the hub's own refusals. */
export function hubRefusalOf(e: unknown): HubRefusal | null {
  const code = (e as PgLikeError | null)?.code;
  return code && code in HUB_REFUSALS ? HUB_REFUSALS[code as keyof typeof HUB_REFUSALS] : null;
}

/** One line for a person. `where` names the hub (user@host:port/db, never a password). */
export function hubErrorText(e: unknown, where: string): string {
  const err = (e ?? {}) as PgLikeError;
  const code = err.code ?? '';
  if (hubRefusalOf(e)) return `the hub refused: ${err.message ?? code}`;
  switch (code) {
    case '28P01':
      return `the hub refused the password for ${where}`;
    case '28000':
      return `the hub does not let ${where} in (the role may not log in, may be retired, or connected without TLS): ${err.message ?? ''}`;
    case '3D000':
      return `the hub has no such database (${where})`;
    case '42501':
      return `${where} may not do that at the hub: ${err.message ?? 'permission denied'}`;
    case '42883':
    case '3F000':
      return `the hub at ${where} is not set up (run "intake hub init" there first)`;
    case 'ECONNREFUSED':
      return `cannot reach the hub at ${where}: nothing is listening there`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach the hub at ${where}: the host name does not resolve`;
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EPIPE':
      return `lost the connection to the hub at ${where}`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the hub at ${where} did not prove who it is (its certificate does not check out against the CA: ${code}); nothing was sent`;
    default:
      if (/does not support SSL|server does not support/i.test(err.message ?? '')) return `the hub at ${where} does not offer TLS; nothing was sent`;
      if (/timeout/i.test(err.message ?? '')) return `the hub at ${where} did not answer in time`;
      return `the hub at ${where} failed: ${err.message ?? String(e)}`;
  }
}
