import type { Output } from '../../shared/api/contract.js';
import { localTime, relativeTime } from '../words.js';

type Item = Output<'sync.status'>[number];

/** A batch's place in the sync, in the supervisor's words. */
export function syncStatusWords(i: Item): string {
  switch (i.status) {
    case 'pending':
      return i.lastError ? 'Not sent yet: waiting to try again' : 'Waiting to be sent';
    case 'sending':
      return i.lastError ? 'Not sent yet: waiting to try again' : 'Being sent';
    case 'written':
      return 'Written, awaiting upload';
    case 'acknowledged':
      return i.ack?.startsWith('file:') ? 'Uploaded (confirmed by a supervisor)' : 'Received by the state';
    case 'rejected':
      return 'Refused by the state';
  }
}

/** What went wrong with the state's server, in words, from the outbox's last error. */
export function syncErrorWords(lastError: string): string {
  const e = lastError;
  if (/ECONNREFUSED/.test(e)) return "The state's server refused the connection: check the address in Settings and that the network is up.";
  if (/ENOTFOUND|EAI_AGAIN/.test(e)) return "The state's server address could not be found: check the address in Settings and the network.";
  if (/ECONNRESET|socket hang up/.test(e)) return "The connection to the state's server was cut off.";
  if (/^timeout/.test(e)) return "The state's server did not answer in time.";
  if (/^throttled/.test(e)) return "The state's server asked us to slow down.";
  if (/^unavailable|^server-error/.test(e)) return "The state's server had a problem on its side.";
  if (/401|token/.test(e)) return 'The state refused the token: check the sync token and try again.';
  if (/^garbage|^unexpected-status/.test(e)) return "Something other than the state's server answered (a proxy or a login page?).";
  return e.charAt(0).toUpperCase() + e.slice(1);
}

/** The state's refusal, one line per record, without JSON. */
export function rejectionWords(errors: unknown): string[] {
  if (!Array.isArray(errors)) return [];
  return errors.map((x: unknown) => {
    const r = x as { ballotId?: string | null; error?: string };
    return `${r.ballotId ? `Ballot ${r.ballotId}: ` : ''}${r.error ?? 'refused'}`;
  });
}

/** When a batch that failed may be sent again (the station waits, then a supervisor presses Send). */
export function nextTryWords(iso: string | null, now: Date = new Date()): string {
  if (!iso) return '';
  return Date.parse(iso) > now.getTime() ? ` Next try ${relativeTime(iso, now)} (at ${localTime(iso)}).` : ' It can be tried again now: press Send.';
}

export function batchesWords(n: number): string {
  return n === 1 ? '1 batch has' : `${n} batches have`;
}
