import crypto from 'node:crypto';
import type { WebSocket } from 'ws';
import type { ApiResponse } from '../../shared/api/define.js';
import type { ApiEvent } from '../../shared/api/events.js';
import { Session, type Router } from './router.js';

/**
 * One API socket = one window's Session. Nothing a client sends may take the server down: a
 * message that is not a well-formed call gets a typed error answer; a frame that breaks the
 * WebSocket protocol (invalid UTF-8, an unmasked frame, an unknown opcode, a reserved bit, a
 * message over MAX_MESSAGE_BYTES) closes this one socket with its close code, and every other
 * session goes on (test/transport/ws-hostile.test.ts).
 */

/** The largest call a window sends is a few kilobytes (settings, a label rule): 1 MiB is ample. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** JSON nested deeper than any call's input is refused before it reaches a schema. */
export const MAX_JSON_DEPTH = 32;
/** Calls one window may have waiting at once; more are answered "too many" at once, not queued. */
export const MAX_IN_FLIGHT = 64;
/** Open API sockets at once: far more than a station's windows. */
export const MAX_SOCKETS = 50;
/** A client that never reads its answers is dropped before its unread events fill memory. */
const MAX_UNREAD_BYTES = 16 * 1024 * 1024;

type Failure = ApiResponse<never> & { ok: false };
type Call = { id: number | null; method: unknown; input: unknown };

const refuse = (code: Failure['error']['code'], message: string): Failure => ({ ok: false, error: { code, message } });

export function connectSocket(ws: WebSocket, router: Router): Session {
  const send = (msg: unknown): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_UNREAD_BYTES) return ws.terminate();
    ws.send(JSON.stringify(msg));
  };
  const session = new Session(crypto.randomUUID(), (e: ApiEvent) => send(e));
  const unsubscribe = router.station.subscribe((e) => session.deliver(e));
  let inFlight = 0;

  // ws closes the socket itself with the right close code (1002, 1007, 1009); without a
  // listener the 'error' event would be thrown and end the whole process.
  ws.on('error', () => undefined);
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const call = parseCall(data, isBinary);
    if ('error' in call) return send({ id: null, response: call });
    if (inFlight >= MAX_IN_FLIGHT) return send({ id: call.id, response: refuse('failed', 'too many calls at once from this window: wait for the answers') });
    inFlight += 1;
    router
      .handle(session, call.method, call.input)
      .catch(() => refuse('internal', 'unexpected error'))
      .then((response) => send({ id: call.id, response }))
      .finally(() => (inFlight -= 1))
      .catch(() => undefined);
  });
  ws.on('close', () => {
    unsubscribe();
    router.closeSession(session);
  });
  return session;
}

/** A call is a JSON object {id?, method, input?}; anything else gets a plain, typed refusal. */
export function parseCall(data: Buffer, isBinary: boolean): Call | Failure {
  if (isBinary) return refuse('invalid-input', 'a message must be JSON text, not binary');
  let msg: unknown;
  try {
    msg = JSON.parse(data.toString('utf8'));
  } catch {
    return refuse('invalid-input', 'a message must be JSON');
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return refuse('invalid-input', 'a message must be a JSON object with a method');
  if (tooDeep(msg, MAX_JSON_DEPTH)) return refuse('invalid-input', `a message may nest at most ${MAX_JSON_DEPTH} levels`);
  const own = (k: string): unknown => (Object.hasOwn(msg, k) ? (msg as Record<string, unknown>)[k] : undefined);
  const id = own('id');
  return { id: typeof id === 'number' && Number.isSafeInteger(id) ? id : null, method: own('method'), input: own('input') };
}

/** Iterative, so a hostile depth cannot overflow the stack while it is measured. */
function tooDeep(value: object, limit: number): boolean {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 1 }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { v, depth } = top;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) stack.push({ v: child, depth: depth + 1 });
  }
  return false;
}
