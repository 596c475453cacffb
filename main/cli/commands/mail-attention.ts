import { mailAttention, mailAttentionCsv } from '../../actions/mail-attention.js';
import { ATTENTION_LISTS, type AttentionList } from '../../mail/attention.js';
import { writeFileAtomic } from '../../sync/files.js';
import { cliActor } from '../actor.js';
import { parse, printJson, UsageError, withStation, type Io } from '../context.js';

export const MAIL_ATTENTION_USAGE = 'usage: intake mail attention --list no-scan|undeliverable|not-received [--days N | --hours N] [--csv FILE] --operator NAME';

function whole(text: string | undefined, name: string, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1 || Number(text) > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}, not ${JSON.stringify(text.slice(0, 20))}`);
  return Number(text);
}

/**
 * A supervisor's attention list: one NDJSON line a ballot on stdout and the summary
 * `{"list","count","days"|"hours"}` on stderr; or, with --csv, the whole list as CSV in FILE
 * (owner-only, written atomically, cells neutralised against formula injection) and the summary
 * with `"file"` on stdout. What the USPS wrote (facility names) reaches the terminal escaped.
 */
export async function mailAttentionCommand(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { list: { type: 'string' }, days: { type: 'string' }, hours: { type: 'string' }, csv: { type: 'string' }, operator: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(MAIL_ATTENTION_USAGE);
  const list = values.list as AttentionList | undefined;
  if (!list || !ATTENTION_LISTS.includes(list)) throw new UsageError(`--list must be no-scan, undeliverable or not-received\n${MAIL_ATTENTION_USAGE}`);
  if (values.days !== undefined && list !== 'no-scan') throw new UsageError('--days is for --list no-scan (days since the ballot was issued)');
  if (values.hours !== undefined && list !== 'not-received') throw new UsageError('--hours is for --list not-received (hours since the USPS scanned it near the office)');
  const days = whole(values.days, 'days', 365);
  const hours = whole(values.hours, 'hours', 24 * 60);
  return withStation(io, values, async (station) => {
    if (values.csv) {
      const actor = await cliActor(io, station, 'mail.attentionCsv', values.operator);
      const { chunks } = mailAttentionCsv(station, actor, { list, days, hours });
      let count = -1; // the header line
      await writeFileAtomic(values.csv, (function* () {
        for (const c of chunks) {
          count += 1;
          yield c;
        }
      })(), { mode: 0o600 });
      printJson(io, { list, count, ...(list === 'not-received' ? { hours: hours ?? 48 } : list === 'no-scan' ? { days: days ?? 7 } : {}), file: values.csv });
      return 0;
    }
    const actor = await cliActor(io, station, 'mail.attention', values.operator);
    const r = mailAttention(station, actor, { list, days, hours, limit: Number.MAX_SAFE_INTEGER });
    for (const row of r.rows) printJson(io, row);
    io.stderr.write(`${JSON.stringify({ list, count: r.count, ...(list === 'not-received' ? { hours: r.hours } : list === 'no-scan' ? { days: r.days } : {}) })}\n`);
    return 0;
  });
}
