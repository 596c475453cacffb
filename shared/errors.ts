/**
 * The one list of ways a service call can fail. Every expected failure (no such batch, a bad
 * value, the wrong role…) is a ServiceError with one of these codes; the API router and the
 * CLI both map by the code, so a new error class cannot silently become "internal".
 */
export const SERVICE_ERROR_CODES = ['invalid', 'unauthenticated', 'forbidden', 'not-found', 'conflict', 'failed'] as const;
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    /** For 'invalid': which fields and why, for programs (the message is for people). */
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}
