import { cureDeadline } from '../../shared/cure/deadline.js';
import type { StateProfile } from '../../shared/cure/profile.js';
import type { CureState } from '../../shared/domain.js';
import type { CureCase } from '../store/cure.js';
import type { Store } from '../store/store.js';
import { noticeImageMode, pictureFor } from './notice-image.js';
import { addressProblems } from './notice-pdf.js';
import type { Language, NoticeData } from './notice-text.js';
import { ServiceError } from '../../shared/errors.js';

export class NoticeError extends ServiceError {
  constructor(message: string) {
    super('failed', message);
    this.name = 'NoticeError';
  }
}

/** The office block of every notice, from the station's settings; all of it is required. */
export function officeOf(store: Store): NoticeData['office'] {
  const name = store.config.get('officeName');
  const addressLines = store.config.get('officeAddress');
  const phone = store.config.get('officePhone');
  const email = store.config.get('officeEmail');
  const missing = [
    !name && 'officeName',
    !addressLines && 'officeAddress',
    !phone && 'officePhone',
    !email && 'officeEmail',
  ].filter(Boolean);
  if (!name || !addressLines || !phone || !email)
    throw new NoticeError(`set the office's contact first (intake config set): ${missing.join(', ')}`);
  const website = store.config.get('officeWebsite');
  return { name, addressLines, phone, email, ...(website ? { website } : {}) };
}

/** A voter's notice, addressed to the ballot's mailing address (else the residence). */
export function noticeFor(
  store: Store,
  c: CureCase,
  profile: StateProfile,
  language: Language,
  today: string,
): NoticeData {
  const b = store.scans.byBallotId.get(c.ballotId);
  if (!b) throw new NoticeError(`ballot ${c.ballotId} of case ${c.caseId} is not in the roll`);
  const name = [b.first_name, b.middle_name, b.last_name, b.suffix].filter(Boolean).join(' ');
  const mailing = b.mail_address
    ? [b.mail_address, [b.mail_city, b.mail_state, b.mail_zip].filter(Boolean).join(' ')]
    : [b.res_address ?? '', [b.res_city, b.res_zip].filter(Boolean).join(' ')];
  const lines = mailing.filter((l) => l.trim() !== '');
  if (lines.length === 0)
    throw new NoticeError(
      `ballot ${c.ballotId} has no mailing or residential address: the notice cannot be mailed`,
    );
  const electionDate = store.config.get('electionDate');
  const deadline = c.deadline ?? (electionDate ? cureDeadline(profile, electionDate, c.codes) : null);
  if (!deadline)
    throw new NoticeError(
      'set the election date (intake config set electionDate YYYY-MM-DD) so the cure deadline is known',
    );
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

/** A case is noticed only while the office waits on the voter: not once it is cured or closed. */
export const NOTICE_STATES: readonly CureState[] = ['FLAGGED', 'NOTICE_SENT', 'CURE_RECEIVED'];

export function noticeRefusal(c: CureCase): string | null {
  return NOTICE_STATES.includes(c.state)
    ? null
    : `case ${c.caseId} is ${c.state}: no notice is sent once a case is cured or closed`;
}

export interface NoticeFailure {
  caseId: number;
  ballotId: string;
  error: string;
}

export interface PreparedNotices {
  ready: { cureCase: CureCase; notice: NoticeData }[];
  failed: NoticeFailure[];
  /** Notices that go out without the picture the office shows (purged, missing, altered), and why. */
  withoutPicture: NoticeFailure[];
}

/**
 * Each case's notice, checked before anything is rendered: a case that cannot be noticed (closed,
 * not in the roll, no address, an address too long for the envelope window) is reported with
 * its reason and the others go ahead. A missing office contact fails the whole run: it is the
 * same for every letter.
 */
export async function prepareNotices(
  store: Store,
  cases: CureCase[],
  profile: StateProfile,
  language: Language,
  today: string,
): Promise<PreparedNotices> {
  officeOf(store);
  const built: { cureCase: CureCase; notice: NoticeData }[] = [];
  const failed: NoticeFailure[] = [];
  for (const c of cases) {
    const refusal = noticeRefusal(c);
    if (refusal) {
      failed.push({ caseId: c.caseId, ballotId: c.ballotId, error: refusal });
      continue;
    }
    try {
      built.push({ cureCase: c, notice: noticeFor(store, c, profile, language, today) });
    } catch (e) {
      if (!(e instanceof NoticeError)) throw e;
      failed.push({ caseId: c.caseId, ballotId: c.ballotId, error: e.message });
    }
  }
  const problems = built.length > 0 ? await addressProblems(built.map((b) => b.notice)) : [];
  const ready = built.filter((b, i) => {
    const problem = problems[i];
    if (problem) failed.push({ caseId: b.cureCase.caseId, ballotId: b.cureCase.ballotId, error: problem });
    return !problem;
  });
  failed.sort((a, b) => a.caseId - b.caseId);
  const withoutPicture = await attachPictures(store, ready, profile, language);
  return { ready, failed, withoutPicture };
}

/** Each ready notice gets its case's picture when the office shows one; the others are listed. */
async function attachPictures(
  store: Store,
  ready: { cureCase: CureCase; notice: NoticeData }[],
  profile: StateProfile,
  language: Language,
): Promise<NoticeFailure[]> {
  const mode = noticeImageMode(store, profile);
  const without: NoticeFailure[] = [];
  for (const r of ready) {
    const outcome = await pictureFor(store, r.cureCase, mode, language, profile.timeZone);
    if (!outcome) continue;
    if ('picture' in outcome) r.notice.picture = outcome.picture;
    else without.push({ caseId: r.cureCase.caseId, ballotId: r.cureCase.ballotId, error: outcome.missing });
  }
  return without;
}
