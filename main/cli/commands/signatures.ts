import { stringify } from 'csv-stringify/sync';
import { setSignatureReviewer, signatureAgreement, signatureQueueCounts } from '../../actions/signature-audit.js';
import { neutraliseCell } from '../../csv/safe.js';
import { importSignatures } from '../../signatures/import.js';
import { writeFileAtomic } from '../../sync/files.js';
import { cliActor } from '../actor.js';
import { parse, printJson, UsageError, withStation, type Io } from '../context.js';

const USAGE = `usage: intake signatures import DIR|FILE [--layout vrsystems|index-csv] [--captured-on YYYY-MM-DD]
       intake signatures queue
       intake signatures agreement [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--csv FILE]
       intake signatures reviewer NAME --allow|--revoke [--party P]`;

/**
 * Signatures on file and their review: import the state's export, the queue's counts, the
 * sample audit's agreement report, and who may review. The review itself is the app's screen.
 */
export async function signaturesCommand(io: Io, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    layout: { type: 'string' },
    'captured-on': { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    csv: { type: 'string' },
    allow: { type: 'boolean' },
    revoke: { type: 'boolean' },
    party: { type: 'string' },
    operator: { type: 'string' },
  });
  switch (sub) {
    case 'import': {
      const target = positionals[0];
      if (!target || positionals.length > 1) throw new UsageError(USAGE);
      const layout = values.layout;
      if (layout !== undefined && layout !== 'vrsystems' && layout !== 'index-csv') throw new UsageError(`--layout must be vrsystems or index-csv\n${USAGE}`);
      return withStation(io, values, async (station) => {
        const actor = await cliActor(io, station, 'signatures.import', values.operator);
        printJson(io, await importSignatures(station, actor, { path: target, layout, capturedOn: values['captured-on'] }));
        return 0;
      });
    }
    case 'queue':
      return withStation(io, values, async (station) => {
        printJson(io, signatureQueueCounts(station, await cliActor(io, station, 'signatures.queueCounts', values.operator)));
        return 0;
      });
    case 'agreement':
      return withStation(io, values, async (station) => {
        const report = signatureAgreement(station, await cliActor(io, station, 'signatures.agreement', values.operator), { from: values.from, to: values.to });
        if (values.csv) {
          await writeFileAtomic(values.csv, agreementCsv(report), { mode: 0o600 });
          printJson(io, { file: values.csv, overall: report.overall });
        } else printJson(io, report);
        return 0;
      });
    case 'reviewer': {
      const name = positionals[0];
      if (!name || values.allow === values.revoke) throw new UsageError(`give NAME and one of --allow or --revoke\n${USAGE}`);
      return withStation(io, values, async (station) => {
        const actor = await cliActor(io, station, 'signatures.setReviewer', values.operator);
        printJson(io, setSignatureReviewer(station, actor, { name, reviewer: values.allow === true, ...(values.party !== undefined ? { party: values.party } : {}) }));
        return 0;
      });
    }
    default:
      throw new UsageError(USAGE);
  }
}

/** One row per reviewer and per day, owner-only, cells neutralised against formula injection. */
function agreementCsv(r: ReturnType<typeof signatureAgreement>): string {
  const rows = [
    ['scope', 'key', 'sampled', 'agreed', 'disagreed', 'pending', 'agreement_rate'],
    ['overall', '', r.overall.sampled, r.overall.agreed, r.overall.disagreed, r.overall.pending, r.overall.rate ?? ''],
    ...r.byReviewer.map((t) => ['reviewer', t.operator, t.sampled, t.agreed, t.disagreed, t.pending, t.rate ?? '']),
    ...r.byDay.map((t) => ['day', t.day, t.sampled, t.agreed, t.disagreed, t.pending, t.rate ?? '']),
  ];
  return stringify(rows.map((row) => row.map((cell) => neutraliseCell(String(cell)))));
}
