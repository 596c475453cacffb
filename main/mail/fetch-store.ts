import { isDeliveryEvent, isUndeliverableEvent, type MailStatusOptions } from '../../shared/mail/status.js';
import type { MailEventWriter } from '../store/mail-load.js';
import type { Store } from '../store/store.js';
import type { FetchSink, OpenBallot, PageCounts } from './fetch.js';

/**
 * The store side of `intake mail fetch`: which ballots are still in the mail, and one page of
 * fetched events recorded through the mail ingest's writer (the same path as a file import) in
 * one transaction with its import's counts.
 */

interface BallotRow {
  ballot_id: string;
  imb_mailer_id: string;
  imb_serial: string;
}

/** Ballots with an open journey: issued by mail, not cancelled, with an outbound IMb of one of the office's mailer IDs, not yet received. */
export function openBallotsQuery(store: Store, mailerIds: readonly string[], statusOpts: MailStatusOptions) {
  const mids = mailerIds.length > 0 ? `AND b.imb_mailer_id IN (${mailerIds.map(() => '?').join(', ')})` : '';
  const ballots = store.db.prepare<unknown[], BallotRow>(
    `SELECT b.ballot_id, b.imb_mailer_id, b.imb_serial FROM ballots b
     WHERE b.ballot_id > ? AND b.imb_serial IS NOT NULL AND b.imb_mailer_id IS NOT NULL
       AND b.status = 'ISSUED' AND b.vote_method = 'MAIL' ${mids}
       AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.ballot_id = b.ballot_id
                       AND NOT EXISTS (SELECT 1 FROM scan_undos u WHERE u.scan_seq = r.scan_seq))
     ORDER BY b.ballot_id LIMIT ?`,
  );
  return (after: string | null, limit: number): OpenBallot[] =>
    ballots.all(after ?? '', ...mailerIds, limit).map((b) => ({
      ballotId: b.ballot_id,
      mailerId: b.imb_mailer_id,
      serial: b.imb_serial,
      outboundDone: store.mail.eventsOf(b.ballot_id).some((e) => e.direction === 'out' && (isDeliveryEvent(e) || isUndeliverableEvent(e, statusOpts))),
    }));
}

/** The start of the last fetch that finished: the high-water mark of the next one. */
export function lastCompleteFetch(store: Store): string | null {
  const row = store.db
    .prepare<[], { started_at: string }>(`SELECT started_at FROM mail_imports WHERE format = 'ivmtr-api' AND finished_at IS NOT NULL ORDER BY import_id DESC LIMIT 1`)
    .get();
  return row?.started_at ?? null;
}

/** The mail ingest's writer (main/store/mail-load.ts): the same path as a file import. */
export type PageWriter = Pick<MailEventWriter, 'add'>;

/** The FetchSink of one fetch run, recorded under import `importId`. */
export function fetchSink(store: Store, importId: number, mailerIds: readonly string[], statusOpts: MailStatusOptions, writer: PageWriter): FetchSink {
  const bump = store.db.prepare(
    `UPDATE mail_imports SET read = read + ?, imported = imported + ?, duplicates = duplicates + ?, unknown_imbs = unknown_imbs + ? WHERE import_id = ?`,
  );
  return {
    openBallots: openBallotsQuery(store, mailerIds, statusOpts),
    recordPage(events, ballotsAsked) {
      return store.write(() => {
        const counts: PageCounts = events.length > 0 ? writer.add(events) : { imported: 0, duplicates: 0, unknownImbs: 0 };
        bump.run(ballotsAsked, counts.imported, counts.duplicates, counts.unknownImbs, importId);
        return counts;
      });
    },
  };
}
