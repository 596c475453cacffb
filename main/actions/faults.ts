import { ServiceError } from '../../shared/errors.js';
import { AuthError } from '../auth/auth.js';
import { StoreOpenError } from '../store/db.js';
import { faultMessage, isFault } from '../store/faults.js';
import { fromAuthError } from './operators.js';

/**
 * The station cannot record any more (disk full, database unreadable or unopenable): the
 * words both doors use to stop loudly; null for any other failure.
 */
export function stationFaultOf(e: unknown): string | null {
  if (e instanceof StoreOpenError) return e.message;
  if (isFault(e)) return faultMessage(e.code, e.message);
  return null;
}

/** Any thrown value as the service error it stands for, or null when it is no expected failure. */
export function asServiceError(e: unknown): ServiceError | null {
  if (e instanceof ServiceError) return e;
  if (e instanceof AuthError) return fromAuthError(e);
  return null;
}
