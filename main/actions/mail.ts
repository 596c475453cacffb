/**
 * USPS mail tracking, the data side (issue 18): import IV-MTR scan files; a ballot's scans and
 * mail status. Mail events inform a ballot's history; they never decide a receipt or a verdict.
 */
import fs from 'node:fs';
import { ServiceError } from '../../shared/errors.js';
import { MAIL_STATUS_WORDS, type MailStatusOptions, type MailStatusResult } from '../../shared/mail/status.js';
import { importMailFile, MAIL_FORMATS, summaryWords, type MailFormat, type MailImportSummary } from '../mail/import.js';
import { MailFileError } from '../mail/layout.js';
import type { StoredMailEvent } from '../store/mail.js';
import { authorize, type ActionContext, type Actor } from './context.js';

export interface MailImportInput {
  file: string;
  format: MailFormat;
}

/** Imports one IV-MTR file under the authenticated supervisor; the summary says what it did in plain words. */
export async function importMail(ctx: ActionContext, actor: Actor | null, input: MailImportInput): Promise<MailImportSummary & { words: string }> {
  const who = authorize(actor, 'mail.import');
  if (!(MAIL_FORMATS as readonly string[]).includes(input.format))
    throw new ServiceError('invalid', `The format must be ${MAIL_FORMATS.join(' or ')}, not ${JSON.stringify(String(input.format).slice(0, 40))}.`);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input.file);
  } catch {
    throw new ServiceError('not-found', `There is no file ${input.file}.`);
  }
  if (!stat.isFile()) throw new ServiceError('invalid', `${input.file} is not a file.`);
  try {
    const s = await importMailFile(ctx.store, input.file, { format: input.format, operator: who.name });
    return { ...s, words: summaryWords(s) };
  } catch (e) {
    if (e instanceof MailFileError) throw new ServiceError('invalid', `${e.message.charAt(0).toUpperCase()}${e.message.slice(1)}. Nothing was imported.`);
    if (e instanceof Error && /another mail import is running/.test(e.message)) throw new ServiceError('conflict', e.message);
    throw e;
  }
}

/** The office's settings the status rules need (config keys mailOfficeZips, mailUndeliverableOpCodes). */
export function mailStatusOptions(ctx: Pick<ActionContext, 'store'>): MailStatusOptions {
  return {
    officeZips: ctx.store.config.get('mailOfficeZips') ?? [],
    undeliverableOpCodes: ctx.store.config.get('mailUndeliverableOpCodes') ?? [],
  };
}

export interface BallotMail {
  ballotId: string;
  status: MailStatusResult | null;
  /** The status in plain words ("no scan yet" when there is none: a missing scan is not a lost ballot). */
  words: string;
  events: StoredMailEvent[];
}

/** A ballot's USPS scans (oldest first) and its mail status: for this ballot only, cancelled or superseded or not. */
export function ballotMail(ctx: ActionContext, actor: Actor | null, ballotId: string): BallotMail {
  authorize(actor, 'mail.status');
  if (!ctx.store.scans.byBallotId.get(ballotId)) throw new ServiceError('not-found', `There is no ballot ${ballotId} in the roll.`);
  const status = ctx.store.mail.statusOf(ballotId, mailStatusOptions(ctx));
  const words = status ? `${MAIL_STATUS_WORDS[status.status]}${status.assumed ? ' (assumed: no carrier scan)' : ''}` : 'no USPS scan yet';
  return { ballotId, status, words, events: ctx.store.mail.eventsOf(ballotId) };
}
