import type { ActionName } from '../../../shared/api/roles.js';
import { CURE_CODES, CURE_STATES, type CureCode, type CureState } from '../../../shared/domain.js';
import type { Actor } from '../../actions/context.js';
import { expireCases, flagEnvelope, listCases, moveCase, printNotices, queueEmail, resolveProblems, sendNotices } from '../../actions/cure.js';
import { cliActor } from '../actor.js';
import type { CliStation } from '../station.js';
import { CommandError, parse, printJson, requireOption, UsageError, withStation, type Io } from '../context.js';

const USAGE = `usage: intake cure list [--state S] [--ballot ID]
       intake cure flag (--seq N | --ballot ID) --code CODE [--code CODE…] [--reason TEXT] --operator NAME
       intake cure notice (--case N… | --all-flagged) --out FILE.pdf [--csv FILE] [--language en|es] --operator NAME
       intake cure notice --case N --email ADDRESS [--language en|es] --operator NAME   (queues an e-mail)
       intake cure send --operator NAME   (sends queued e-mails; SMTP from config smtp, password in INTAKE_SMTP_PASS)
       intake cure receive --case N --reason TEXT --operator NAME
       intake cure resolve --case N --to CURED|NOT_CURED|ACCEPTED|REJECTED --reason TEXT --operator NAME
       intake cure resolve --seq N --resolution WORD --reason TEXT --operator NAME   (a problem scan)
       intake cure expire --operator NAME`;

/** The PDF and SMTP stacks load only for the subcommands that use them (`cure list` stays quick). */
export async function cureCommand(io: Io, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parse(rest, {
    state: { type: 'string' },
    ballot: { type: 'string' },
    seq: { type: 'string' },
    case: { type: 'string', multiple: true },
    code: { type: 'string', multiple: true },
    reason: { type: 'string' },
    operator: { type: 'string' },
    out: { type: 'string' },
    csv: { type: 'string' },
    language: { type: 'string' },
    email: { type: 'string' },
    'all-flagged': { type: 'boolean' },
    to: { type: 'string' },
    resolution: { type: 'string' },
  });
  const num = (v: string | undefined, name: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive whole number`);
    return n;
  };
  return withStation(io, values, async (station) => {
    const as = (action: ActionName) => cliActor(io, station, action, values.operator);
    switch (sub) {
      case 'list': {
        const state = values.state?.toUpperCase();
        if (state && !(CURE_STATES as readonly string[]).includes(state)) throw new UsageError(`--state must be one of ${CURE_STATES.join(', ')}`);
        printJson(io, listCases(station, await as('review.queue'), { ...(state ? { state: state as CureState } : {}), ...(values.ballot ? { ballotId: values.ballot } : {}) }));
        return 0;
      }
      case 'flag': {
        const codes = (values.code ?? []).map((c) => c.toUpperCase());
        const bad = codes.filter((c) => !(CURE_CODES as readonly string[]).includes(c));
        if (codes.length === 0 || bad.length > 0) throw new UsageError(`--code must be one of ${CURE_CODES.join(', ')}${bad.length ? ` (not ${bad.join(', ')})` : ''}`);
        const target = values.seq ? { scanSeq: num(values.seq, 'seq') } : { ballotId: requireOption(values.ballot, 'ballot') };
        printJson(io, flagEnvelope(station, await as('cure.flag'), { ...target, codes: codes as CureCode[], reason: values.reason?.trim() || 'flagged' }));
        return 0;
      }
      case 'notice':
        return notice(io, station, await as(values.email !== undefined ? 'cure.emailNotice' : 'cure.notices'), values, num);
      case 'send': {
        const report = await sendNotices(station, await as('cure.sendNotices'), io.env);
        printJson(io, report);
        for (const f of [...report.retrying, ...report.failed]) io.stderr.write(`intake cure: notice ${f.noticeId} (case ${f.caseId}) not sent: ${f.error}\n`);
        for (const f of report.sent) if (f.withoutPicture) io.stderr.write(`intake cure: notice ${f.noticeId} (case ${f.caseId}) sent without its picture: ${f.withoutPicture}\n`);
        return report.retrying.length + report.failed.length > 0 ? 1 : 0;
      }
      case 'receive':
        printJson(io, moveCase(station, await as('cure.move'), { caseId: num(values.case?.[0], 'case'), to: 'CURE_RECEIVED', reason: requireOption(values.reason, 'reason') }));
        return 0;
      case 'resolve': {
        const reason = requireOption(values.reason, 'reason');
        if (values.seq) {
          const seq = num(values.seq, 'seq');
          const r = resolveProblems(station, await as('review.resolve'), { seqs: [seq], resolution: requireOption(values.resolution, 'resolution'), reason });
          if (r.failed[0]) throw new CommandError(r.failed[0].error);
          printJson(io, { seq, resolution: values.resolution });
          return 0;
        }
        const to = requireOption(values.to, 'to').toUpperCase();
        const targets = ['CURED', 'NOT_CURED', 'ACCEPTED', 'REJECTED', 'NOTICE_SENT', 'CURE_RECEIVED'];
        if (!targets.includes(to)) throw new UsageError(`--to must be one of ${targets.join(', ')}`);
        printJson(io, moveCase(station, await as('cure.move'), { caseId: num(values.case?.[0], 'case'), to: to as CureState, reason }));
        return 0;
      }
      case 'expire':
        printJson(io, expireCases(station, await as('cure.expire')));
        return 0;
      default:
        throw new UsageError(USAGE);
    }
  });
}

/** Letters (a PDF and its mail-merge CSV, owner-only files) or one queued e-mail. */
async function notice(
  io: Io,
  station: CliStation,
  actor: Actor,
  values: { case?: string[]; 'all-flagged'?: boolean; out?: string; csv?: string; email?: string; language?: string },
  num: (v: string | undefined, name: string) => number,
): Promise<number> {
  const language = values.language ?? 'en';
  if (language !== 'en' && language !== 'es') throw new UsageError('--language must be en or es');
  if (values.email !== undefined) {
    if (values.case?.length !== 1 || values['all-flagged'] || values.out || values.csv)
      throw new UsageError('--email queues one notice: give exactly one --case, and no --all-flagged, --out or --csv');
    printJson(io, await queueEmail(station, actor, { caseId: num(values.case[0], 'case'), email: values.email, language }));
    return 0;
  }
  const out = requireOption(values.out, 'out');
  const cases = values['all-flagged'] ? 'all-flagged' : (values.case ?? []).map((id) => num(id, 'case'));
  const { writeFileAtomic } = await import('../../sync/files.js');
  const r = await printNotices(station, actor, { cases, language, file: out }, async (pdf, csv) => {
    // Letters carry names and addresses: owner-only files, written whole or not at all.
    await writeFileAtomic(out, pdf, { mode: 0o600 });
    if (values.csv) await writeFileAtomic(values.csv, csv, { mode: 0o600 });
  });
  for (const f of r.failed) io.stderr.write(`intake cure: case ${f.caseId} (ballot ${f.ballotId}) not noticed: ${f.error}\n`);
  for (const f of r.withoutPicture) io.stderr.write(`intake cure: case ${f.caseId} (ballot ${f.ballotId}) noticed without its picture: ${f.error}\n`);
  if (!r.pdf) throw new CommandError(`none of the ${r.failed.length} cases could be noticed`);
  printJson(io, { notices: r.notices, moved: r.moved, pdf: out, csv: values.csv ?? null, failed: r.failed, withoutPicture: r.withoutPicture });
  // Some letters were printed, some cases were not: the run did not do all it was asked.
  return r.failed.length > 0 ? 1 : 0;
}
