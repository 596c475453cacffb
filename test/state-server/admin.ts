import type http from 'node:http';
import { stateChangeSchema } from '../../shared/sync/contract.js';
import type { Reply } from './batches.js';
import { faultPlanSchema } from './faults.js';
import type { Body, ServerContext } from './context.js';
import { authorized, parseJson, snapshot } from './context.js';

/**
 * Test-only routes under /_test/, so a server running as a child process can be steered and
 * inspected like one started in-process. Same bearer token as the API; never faulted.
 *   GET /_test/stats · GET /_test/receipts · GET /_test/batches
 *   POST /_test/faults (a FaultPlan) · POST /_test/changes (a change of the feed)
 */
export function adminReply(ctx: ServerContext, req: http.IncomingMessage, url: URL, body: Body): Reply {
  if (!url.pathname.startsWith('/_test/'))
    return { status: 404, body: { error: `no route ${url.pathname}` }, outcome: 'not-found' };
  if (!authorized(ctx, req))
    return { status: 401, body: { error: 'missing or wrong bearer token' }, outcome: 'unauthorized' };
  const route = `${req.method ?? ''} ${url.pathname}`;
  switch (route) {
    case 'GET /_test/stats':
      return { status: 200, body: snapshot(ctx), outcome: 'admin' };
    case 'GET /_test/receipts':
      return { status: 200, body: ctx.store.receipts(), outcome: 'admin' };
    case 'GET /_test/batches':
      return { status: 200, body: ctx.store.batches(), outcome: 'admin' };
    case 'POST /_test/faults':
      return parsed(faultPlanSchema.safeParse(parseJson(body.text)), (plan) => ctx.faults.set(plan));
    case 'POST /_test/changes':
      return parsed(
        stateChangeSchema.safeParse(parseJson(body.text)),
        (change) => void ctx.store.addChange(change),
      );
    default:
      return { status: 404, body: { error: `no route ${route}` }, outcome: 'not-found' };
  }
}

function parsed<T>(
  result: { success: true; data: T } | { success: false; error: Error },
  apply: (value: T) => void,
): Reply {
  if (!result.success) return { status: 400, body: { error: result.error.message }, outcome: 'admin' };
  apply(result.data);
  return { status: 200, body: { ok: true }, outcome: 'admin' };
}
