import { stringify } from 'csv-stringify/sync';
import { MAIL_STATUS_WORDS } from '../../shared/mail/status.js';
import { ServiceError } from '../../shared/errors.js';
import { neutraliseCell } from '../csv/safe.js';
import { attentionCounts, attentionRows, type AttentionList, type AttentionOptions, type AttentionRow } from '../mail/attention.js';
import { mailStream, type StreamRow } from '../mail/stream.js';
import { authorize, dateStamp, type ActionContext, type Actor } from './context.js';
import { mailStatusOptions } from './mail.js';

/** Days after issue before an unscanned ballot is listed; hours after arrival before an unreceived return is. */
export const DEFAULT_NO_SCAN_DAYS = 7;
export const DEFAULT_NOT_RECEIVED_HOURS = 48;

/**
 * What the attention lists and the mail stream read: the store and the clock, no more, so they run
 * as well on a read-only connection on a thread of their own (mail/reads-worker.ts) as on the
 * station's.
 */
export type ReadContext = Pick<ActionContext, 'store' | 'clock'>;

export interface AttentionInput {
  list: AttentionList;
  days?: number | undefined;
  hours?: number | undefined;
}

function options(ctx: ReadContext, input: { days?: number | undefined; hours?: number | undefined }): AttentionOptions {
  return { ...mailStatusOptions(ctx), now: ctx.clock(), days: input.days ?? DEFAULT_NO_SCAN_DAYS, hours: input.hours ?? DEFAULT_NOT_RECEIVED_HOURS };
}

/** One list with its count; the rows on screen stop at `limit` (the CSV has them all). */
export function mailAttention(ctx: ReadContext, actor: Actor | null, input: AttentionInput & { limit?: number }) {
  authorize(actor, 'mail.attention');
  const o = options(ctx, input);
  if (input.list === 'not-received' && o.officeZips.length === 0)
    throw new ServiceError('invalid', "The office's mail facility ZIPs are not set, so no return can be known to have arrived: a supervisor sets them (intake config set mailOfficeZips '[\"27676\"]').");
  const limit = input.limit ?? 500;
  const rows: AttentionRow[] = [];
  let count = 0;
  for (const r of attentionRows(ctx.store, input.list, o)) {
    count += 1;
    if (rows.length < limit) rows.push(r);
  }
  return { list: input.list, days: o.days, hours: o.hours, count, rows, truncated: count > rows.length };
}

export function mailAttentionCounts(ctx: ReadContext, actor: Actor | null, input: { days?: number | undefined; hours?: number | undefined }) {
  authorize(actor, 'mail.attentionCounts');
  const o = options(ctx, input);
  return { days: o.days, hours: o.hours, officeZipsSet: o.officeZips.length > 0, counts: attentionCounts(ctx.store, o) };
}

export const ATTENTION_COLUMNS = ['ballotId', 'voterId', 'lastName', 'firstName', 'precinct', 'issuedAt', 'status', 'scannedAt', 'facility', 'city', 'state', 'zip', 'phase', 'waited', 'reissued'] as const;

/** The list as CSV, every cell neutralised against formula injection (a facility name is the USPS's text, not ours). */
export function* attentionCsvChunks(rows: Iterable<AttentionRow>, list: AttentionList): Generator<string> {
  const header = ATTENTION_COLUMNS.map((c) => (c === 'waited' ? (list === 'not-received' ? 'hoursSinceArrival' : 'daysWaited') : c));
  yield stringify([header]);
  for (const r of rows) {
    const cells = [r.ballotId, r.voterId, r.lastName, r.firstName, r.precinct ?? '', r.issuedAt ?? '', r.status, r.event?.at ?? '', r.event?.facility ?? '', r.event?.city ?? '', r.event?.state ?? '', r.event?.zip ?? '', r.event?.phase ?? '', String(r.waited), r.reissued ? 'yes' : ''];
    yield stringify([cells.map(neutraliseCell)]);
  }
}

export function mailAttentionCsv(ctx: ReadContext, actor: Actor | null, input: AttentionInput): { filename: string; chunks: Generator<string> } {
  authorize(actor, 'mail.attentionCsv');
  const o = options(ctx, input);
  return { filename: `mail-${input.list}-${dateStamp(ctx)}.csv`, chunks: attentionCsvChunks(attentionRows(ctx.store, input.list, o), input.list) };
}

/** One ballot's mail status and every USPS scan of it, for the lookup screen and the ballot's history (the store's rule, as `intake mail status`). */
export function ballotMailView(ctx: ActionContext, actor: Actor | null, input: { ballotId: string }) {
  authorize(actor, 'mail.ballot');
  const status = ctx.store.mail.statusOf(input.ballotId, mailStatusOptions(ctx));
  const events = ctx.store.mail.eventsOf(input.ballotId);
  return {
    ballotId: input.ballotId,
    status: status?.status ?? null,
    words: status ? `${MAIL_STATUS_WORDS[status.status]}${status.assumed ? ' (assumed: no carrier scan)' : ''}` : 'no USPS scan yet',
    events: events.map((e) => ({
      direction: e.direction,
      scannedAt: e.scannedAt,
      scannedAtUtc: e.scannedAtUtc,
      phase: e.mailPhase,
      facility: e.facilityName,
      city: e.facilityCity,
      state: e.facilityState,
      zip: e.facilityZip,
      handling: e.handling,
    })),
  };
}

/** Ballots per mail phase per day, out and back (Reports screen). */
export function mailStreamReport(ctx: ReadContext, actor: Actor | null, input: { from: string; to: string }): StreamRow[] {
  authorize(actor, 'mail.stream');
  return mailStream(ctx.store, input.from, input.to);
}
