import { cureDeadline } from '../../shared/cure/deadline.js';
import type { StateProfile } from '../../shared/cure/profile.js';
import type { CureCase } from '../store/cure.js';
import type { Store } from '../store/store.js';
import type { Language, NoticeData } from './notice-text.js';

export class NoticeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoticeError';
  }
}

/** The office block of every notice, from the station's settings; all of it is required. */
export function officeOf(store: Store): NoticeData['office'] {
  const name = store.config.get('officeName');
  const addressLines = store.config.get('officeAddress');
  const phone = store.config.get('officePhone');
  const email = store.config.get('officeEmail');
  const missing = [!name && 'officeName', !addressLines && 'officeAddress', !phone && 'officePhone', !email && 'officeEmail'].filter(Boolean);
  if (!name || !addressLines || !phone || !email) throw new NoticeError(`set the office's contact first (intake config set): ${missing.join(', ')}`);
  const website = store.config.get('officeWebsite');
  return { name, addressLines, phone, email, ...(website ? { website } : {}) };
}

/** A voter's notice, addressed to the ballot's mailing address (else the residence). */
export function noticeFor(store: Store, c: CureCase, profile: StateProfile, language: Language, today: string): NoticeData {
  const b = store.scans.byBallotId.get(c.ballotId);
  if (!b) throw new NoticeError(`ballot ${c.ballotId} of case ${c.caseId} is not in the roll`);
  const name = [b.first_name, b.middle_name, b.last_name, b.suffix].filter(Boolean).join(' ');
  const mailing = b.mail_address
    ? [b.mail_address, [b.mail_city, b.mail_state, b.mail_zip].filter(Boolean).join(' ')]
    : [b.res_address ?? '', [b.res_city, b.res_zip].filter(Boolean).join(' ')];
  const lines = mailing.filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new NoticeError(`ballot ${c.ballotId} has no mailing or residential address: the notice cannot be mailed`);
  const electionDate = store.config.get('electionDate');
  const deadline = c.deadline ?? (electionDate ? cureDeadline(profile, electionDate, c.codes) : null);
  if (!deadline) throw new NoticeError('set the election date (intake config set electionDate YYYY-MM-DD) so the cure deadline is known');
  return {
    language,
    voter: { name, mailingLines: lines },
    ballotId: c.ballotId,
    electionName: store.config.get('electionName') ?? store.config.get('election') ?? 'the election',
    cureCodes: c.codes,
    deadline,
    profile,
    office: officeOf(store),
    noticeDate: today,
  };
}
