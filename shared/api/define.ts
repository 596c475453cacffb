import { z } from 'zod';
import type { Role } from '../domain.js';

/**
 * One API method: its input and output schemas and the least role that may call it.
 * The contract is declared once here; main serves it through one router (validating every
 * input and checking the role), and the renderer calls it through a typed client.
 */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** 'public': no sign-in needed (sign-in itself, station status). */
  role: Role | 'public';
  /** Changes state: refused while the station is in a fault state (disk full, read-only…). */
  writes: boolean;
}

export function method<I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> {
  return spec;
}

export const empty = z.object({}).strict();

/** The envelope every transport carries back. */
export type ApiResponse<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface ApiError {
  code: 'invalid-input' | 'unauthenticated' | 'forbidden' | 'not-found' | 'conflict' | 'failed' | 'station-fault' | 'internal';
  message: string;
  /** For invalid-input: which fields and why. */
  issues?: { path: string; message: string }[];
}

export class ApiCallError extends Error implements ApiError {
  constructor(
    readonly code: ApiError['code'],
    message: string,
    readonly issues?: ApiError['issues'],
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}
