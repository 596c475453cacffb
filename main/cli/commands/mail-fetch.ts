import { fetchMail } from '../../actions/mail-fetch.js';
import { cliActor } from '../actor.js';
import { parse, printJson, UsageError, withStation, type Io } from '../context.js';

export const MAIL_FETCH_USAGE = 'usage: intake mail fetch --operator NAME        (IV-MTR password in INTAKE_IVMTR_PASSWORD)';

/**
 * `intake mail fetch`: the USPS's scans of every ballot still in the mail, from the IV-MTR API
 * (docs/mail-fetch.md). Progress and waits on stderr; the summary as one JSON line on stdout:
 * `{"ballots","pieces","scans","alreadySeen","imported","duplicates","unknownImbs","requests","tokenRenewals","highWater","importId"}`.
 */
export async function mailFetchCommand(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { operator: { type: 'string' }, password: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(MAIL_FETCH_USAGE);
  // A password on the command line shows in the process list and the shell's history: refused, not warned.
  if (values.password !== undefined) throw new UsageError('the IV-MTR password is read only from INTAKE_IVMTR_PASSWORD, never from the command line');
  return withStation(io, values, async (station) => {
    const actor = await cliActor(io, station, 'mail.fetch', values.operator);
    const report = await fetchMail(station, actor, io.env, {
      onPage: (r) => io.stderr.write(`${r.ballots} ballots asked, ${r.scans} scans\n`),
      onWait: (ms, why) => io.stderr.write(`IV-MTR asked us to wait (${why}): trying again in ${Math.ceil(ms / 1000)} s\n`),
    });
    printJson(io, report);
    return 0;
  });
}
