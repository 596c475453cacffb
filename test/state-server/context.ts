import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { FaultInjector, FaultKind } from './faults.js';
import type { StateStore } from './store.js';

/** What every handler of the test state server shares. */
export interface ServerContext {
  store: StateStore;
  faults: FaultInjector;
  tokenHash: Buffer;
  maxChunk: number;
  maxBodyBytes: number;
  stats: ServerStats;
  closing: AbortController;
}

export interface ServerStats {
  requests: number;
  inFlight: number;
  completed: number;
  /** By handler outcome: stored, repeat, conflict, rejected, too-large, unauthorized, changes… */
  outcomes: Record<string, number>;
  faults: Partial<Record<FaultKind, number>>;
  queuedFaults: number;
}

export interface Body {
  text: string;
  tooLarge: boolean;
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Compares hashes, so the time taken says nothing about the token. */
export function authorized(ctx: ServerContext, req: http.IncomingMessage): boolean {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  return m?.[1] !== undefined && timingSafeEqual(sha256(m[1]), ctx.tokenHash);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function snapshot(ctx: ServerContext): ServerStats {
  const s = ctx.stats;
  return { ...s, outcomes: { ...s.outcomes }, faults: { ...s.faults }, queuedFaults: ctx.faults.pending() };
}
