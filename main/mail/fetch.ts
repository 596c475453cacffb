import type { MailEvent } from '../../shared/mail/event.js';
import { barcodesOf, pieceScans } from './fetch-http.js';
import { FetchError, IvmtrClient, type ClientOptions } from './fetch-client.js';
import { eventFromApiScan, imbIsOf } from './fetch-events.js';

/**
 * `intake mail fetch`: every ballot still in the mail, asked of IV-MTR's piece API (Toolkit
 * v2.5: by mailer ID + serial for the ballot's IMbs — its outbound piece and its STID 777 return
 * envelope — then by IMb for each one's scans), and the scans put through the same ingest as a
 * file import (dedupe: fetching twice imports nothing new).
 *
 * What "only what is new" means with an API that answers one piece at a time:
 *  - only ballots whose journey is open are asked about: issued, not cancelled, not yet received
 *    by the station, and carrying an outbound IMb of one of the office's mailer IDs;
 *  - a ballot whose outbound piece already has a delivery or undeliverable scan on record is
 *    asked about only for its return envelope;
 *  - scans older than the last complete fetch (the high-water mark) less an overlap for scans
 *    IV-MTR posts late are not handed to the ingest (they were seen then).
 * The walk goes through the roll a page of ballots at a time (keyset on ballot ID); each page's
 * events are recorded in one transaction, so a fetch that stops half way keeps what it recorded,
 * and a refused answer changes nothing of its page.
 */

export interface OpenBallot {
  ballotId: string;
  mailerId: string;
  serial: string;
  /** The outbound piece already has its last scan (delivered or undeliverable): ask only for the return. */
  outboundDone: boolean;
}

export interface PageCounts {
  imported: number;
  duplicates: number;
  unknownImbs: number;
}

/** The store side of a fetch (main/mail/fetch-store.ts); kept apart so the walk is readable. */
export interface FetchSink {
  /** Up to `limit` open ballots after `after` (null: from the start), in ballot ID order. */
  openBallots(after: string | null, limit: number): OpenBallot[];
  /** The page's events recorded in one transaction. */
  recordPage(events: MailEvent[], ballotsAsked: number): PageCounts;
}

export interface FetchReport {
  ballots: number;
  pieces: number;
  scans: number;
  /** Older than the high-water mark less the overlap: not handed to the ingest. */
  alreadySeen: number;
  imported: number;
  duplicates: number;
  unknownImbs: number;
  requests: number;
  tokenRenewals: number;
  /** The last complete fetch's start (null: this is the first). */
  highWater: string | null;
}

export interface FetchRunOptions {
  client: ClientOptions;
  pageSize: number;
  /** ISO instant of the last complete fetch's start, or null. */
  highWater: string | null;
  /** Scans IV-MTR posts late: a scan this much older than the high-water mark is still handed on. */
  overlapMs: number;
  onPage?: (report: FetchReport) => void;
}

/** How long after a scan IV-MTR may still post it (its data is "near real-time", not real-time). */
export const LATE_SCAN_OVERLAP_MS = 3 * 86_400_000;

export async function fetchMailEvents(sink: FetchSink, o: FetchRunOptions): Promise<FetchReport> {
  const client = new IvmtrClient(o.client);
  const report: FetchReport = { ballots: 0, pieces: 0, scans: 0, alreadySeen: 0, imported: 0, duplicates: 0, unknownImbs: 0, requests: 0, tokenRenewals: 0, highWater: o.highWater };
  // Compared on the facility-local scan time (no zone): a day's overlap more than covers the offsets.
  const cutoff = o.highWater ? new Date(Date.parse(o.highWater) - o.overlapMs - 86_400_000).toISOString().slice(0, 19) : null;
  let after: string | null = null;
  for (;;) {
    const page = sink.openBallots(after, o.pageSize);
    if (page.length === 0) break;
    const events: MailEvent[] = [];
    for (const b of page) events.push(...(await ballotEvents(client, b, report)));
    const fresh = cutoff ? events.filter((e) => (e.scannedAtUtc?.slice(0, 19) ?? e.scannedAt) >= cutoff) : events;
    report.alreadySeen += events.length - fresh.length;
    const counts = sink.recordPage(fresh, page.length);
    report.ballots += page.length;
    report.imported += counts.imported;
    report.duplicates += counts.duplicates;
    report.unknownImbs += counts.unknownImbs;
    report.requests = client.requests;
    report.tokenRenewals = client.renewals;
    o.onPage?.({ ...report });
    after = page.at(-1)?.ballotId ?? null;
    if (page.length < o.pageSize) break;
  }
  return report;
}

/** Every scan of one ballot's pieces; an IMb of another piece in the answer is refused, not filed under this ballot. */
async function ballotEvents(client: IvmtrClient, b: OpenBallot, report: FetchReport): Promise<MailEvent[]> {
  const what = `mailer ID ${b.mailerId} serial ${b.serial} (ballot ${b.ballotId})`;
  const barcodes = (await client.call(`the barcodes of ${what}`, (api, token) => barcodesOf(api, token, b.mailerId, b.serial))) ?? [];
  const out: MailEvent[] = [];
  for (const imb of barcodes) {
    if (!imbIsOf(imb, b.mailerId, b.serial)) throw new FetchError(`IV-MTR answered the barcodes of ${what} with ${JSON.stringify(imb.slice(0, 40))}, an IMb of another piece`);
    if (b.outboundDone && imb.slice(2, 5) !== '777') continue;
    const piece = await client.call(`the scans of ${imb}`, (api, token) => pieceScans(api, token, imb));
    if (!piece) continue;
    if (piece.imb !== imb) throw new FetchError(`IV-MTR answered the scans of ${imb} with those of ${piece.imb}`);
    report.pieces += 1;
    for (const scan of piece.scans) {
      const e = eventFromApiScan(imb, scan);
      if (!e.ok) throw new FetchError(`IV-MTR's answer for ${imb} was refused: ${e.error}`);
      out.push(e.value);
      report.scans += 1;
    }
  }
  return out;
}
