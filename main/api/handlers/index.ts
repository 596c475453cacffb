import { contract } from '../../../shared/api/contract.js';
import type { Handlers } from '../router.js';
import { coreHandlers } from './core.js';
import { cureHandlers } from './cure.js';
import { syncHandlers } from './sync.js';
import { operatorDisableHandlers } from './operators-disable.js';
import { reportHandlers } from './reports.js';

/** Every method of the contract has exactly one handler; a missing one fails at startup. */
export function buildHandlers(extra: Partial<Handlers> = {}): Handlers {
  const all: Partial<Handlers> = { ...coreHandlers, ...cureHandlers, ...syncHandlers, ...operatorDisableHandlers, ...reportHandlers, ...extra };
  const missing = Object.keys(contract).filter((m) => !(m in all));
  if (missing.length > 0) throw new Error(`API methods without a handler: ${missing.join(', ')}`);
  return all as Handlers;
}
