import { localDate } from '../../../shared/cure/deadline.js';
import { CURE_CODES, CURE_STATES, type CureCode, type CureState } from '../../../shared/domain.js';
import { CureService } from '../../cure/service.js';
import { cliActor } from '../actor.js';
import {
  CommandError,
  operatorOf,
  parse,
  printJson,
  requireOption,
  UsageError,
  withStoreAsync,
  type Io,
} from '../context.js';

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
  return withStoreAsync(io, values.db, async (store) => {
    const service = new CureService(store);
    switch (sub) {
      case 'list': {
        const state = values.state?.toUpperCase();
        if (state && !(CURE_STATES as readonly string[]).includes(state))
          throw new UsageError(`--state must be one of ${CURE_STATES.join(', ')}`);
        printJson(
          io,
          store.cure.list({
            ...(state ? { state: state as CureState } : {}),
            ...(values.ballot ? { ballotId: values.ballot } : {}),
          }),
        );
        return 0;
      }
      case 'flag': {
        const codes = (values.code ?? []).map((c) => c.toUpperCase());
        const bad = codes.filter((c) => !(CURE_CODES as readonly string[]).includes(c));
        if (codes.length === 0 || bad.length > 0)
          throw new UsageError(
            `--code must be one of ${CURE_CODES.join(', ')}${bad.length ? ` (not ${bad.join(', ')})` : ''}`,
          );
        const actor = await cliActor(io, store, operatorOf(io, values.operator), 'clerk');
        const target = values.seq
          ? { scanSeq: num(values.seq, 'seq') }
          : { ballotId: requireOption(values.ballot, 'ballot') };
        printJson(io, service.flag(target, codes as CureCode[], actor, values.reason?.trim() || 'flagged'));
        return 0;
      }
      case 'notice': {
        const actor = await cliActor(io, store, operatorOf(io, values.operator), 'supervisor');
        const { queueEmailNotice } = await import('../../cure/outbox.js');
        const { prepareNotices } = await import('../../cure/notices.js');
        const { renderNotices } = await import('../../cure/notice-pdf.js');
        const { mailMergeCsv } = await import('../../cure/mailmerge.js');
        const { writeFileAtomic } = await import('../../sync/files.js');
        const language = values.language ?? 'en';
        if (language !== 'en' && language !== 'es') throw new UsageError('--language must be en or es');
        if (values.email !== undefined) {
          if (values.case?.length !== 1 || values['all-flagged'] || values.out || values.csv)
            throw new UsageError(
              '--email queues one notice: give exactly one --case, and no --all-flagged, --out or --csv',
            );
          printJson(
            io,
            await queueEmailNotice(
              store,
              { caseId: num(values.case[0], 'case'), email: values.email, language },
              actor,
            ),
          );
          return 0;
        }
        const out = requireOption(values.out, 'out');
        const cases = values['all-flagged']
          ? store.cure.list({ state: 'FLAGGED' })
          : (values.case ?? []).map((id) => store.cure.get(num(id, 'case')) ?? failNoCase(id));
        if (cases.length === 0) throw new CommandError('no cure case to notify');
        const profile = service.profile();
        const today = localDate(new Date().toISOString(), profile.timeZone);
        const { ready, failed } = await prepareNotices(store, cases, profile, language, today);
        for (const f of failed)
          io.stderr.write(`intake cure: case ${f.caseId} (ballot ${f.ballotId}) not noticed: ${f.error}\n`);
        if (ready.length === 0) throw new CommandError(`none of the ${cases.length} cases could be noticed`);
        const notices = ready.map((r) => r.notice);
        // Letters carry names and addresses: owner-only files, written whole or not at all.
        await writeFileAtomic(out, await renderNotices(notices), { mode: 0o600 });
        if (values.csv) await writeFileAtomic(values.csv, mailMergeCsv(notices), { mode: 0o600 });
        let moved = 0;
        for (const { cureCase } of ready)
          if (cureCase.state === 'FLAGGED') {
            service.move(cureCase.caseId, 'NOTICE_SENT', actor, `notice letter printed (${language})`, {
              channel: 'mail',
              file: out,
            });
            moved += 1;
          }
        printJson(io, { notices: notices.length, moved, pdf: out, csv: values.csv ?? null, failed });
        // Some letters were printed, some cases were not: the run did not do all it was asked.
        return failed.length > 0 ? 1 : 0;
      }
      case 'send': {
        const actor = await cliActor(io, store, operatorOf(io, values.operator), 'clerk');
        const { mailerFromConfig, sendQueuedNotices } = await import('../../cure/outbox.js');
        const mailer = mailerFromConfig(store, io.env);
        try {
          const report = await sendQueuedNotices(store, mailer, { actor: actor.name });
          printJson(io, report);
          for (const f of [...report.retrying, ...report.failed])
            io.stderr.write(`intake cure: notice ${f.noticeId} (case ${f.caseId}) not sent: ${f.error}\n`);
          return report.retrying.length + report.failed.length > 0 ? 1 : 0;
        } finally {
          mailer.close();
        }
      }
      case 'receive': {
        const actor = await cliActor(io, store, operatorOf(io, values.operator), 'clerk');
        printJson(
          io,
          service.move(
            num(values.case?.[0], 'case'),
            'CURE_RECEIVED',
            actor,
            requireOption(values.reason, 'reason'),
          ),
        );
        return 0;
      }
      case 'resolve': {
        const actor = await cliActor(io, store, operatorOf(io, values.operator), 'supervisor');
        const reason = requireOption(values.reason, 'reason');
        if (values.seq) {
          service.resolveProblem(
            num(values.seq, 'seq'),
            requireOption(values.resolution, 'resolution'),
            actor,
            reason,
          );
          printJson(io, { seq: Number(values.seq), resolution: values.resolution });
          return 0;
        }
        const to = requireOption(values.to, 'to').toUpperCase();
        const targets = ['CURED', 'NOT_CURED', 'ACCEPTED', 'REJECTED', 'NOTICE_SENT', 'CURE_RECEIVED'];
        if (!targets.includes(to)) throw new UsageError(`--to must be one of ${targets.join(', ')}`);
        printJson(io, service.move(num(values.case?.[0], 'case'), to as CureState, actor, reason));
        return 0;
      }
      case 'expire': {
        const actor = await cliActor(io, store, operatorOf(io, values.operator), 'supervisor');
        printJson(io, { expired: service.expire(actor) });
        return 0;
      }
      default:
        throw new UsageError(USAGE);
    }
  });
}

function failNoCase(id: string): never {
  throw new CommandError(`no cure case ${id}`);
}
