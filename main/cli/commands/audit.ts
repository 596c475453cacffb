import { exportAudit, verifyAudit } from '../../actions/audit.js';
import { writeFileAtomic } from '../../sync/files.js';
import { cliActor } from '../actor.js';
import { parse, printJson, UsageError, withStation, type Io } from '../context.js';

const USAGE = 'usage: intake audit verify | intake audit export [--out FILE]';

export { AUDIT_EXPORT_FORMAT } from '../../actions/audit.js';

export async function auditCommand(io: Io, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parse(rest, { out: { type: 'string' }, operator: { type: 'string' } });
  return withStation(io, values, async (station) => {
    if (sub === 'verify') {
      const v = verifyAudit(station, await cliActor(io, station, 'audit.verify', values.operator));
      printJson(io, v);
      if (!v.ok) io.stderr.write(`audit chain broken at entry ${v.brokenAt}: ${v.reason}\n`);
      return v.ok ? 0 : 1;
    }
    if (sub !== 'export') throw new UsageError(USAGE);
    const { lines, chain, tip, secretsRecorded } = exportAudit(station, await cliActor(io, station, 'audit.export', values.operator));
    if (secretsRecorded.length > 0)
      io.stderr.write(`warning: audit entries ${secretsRecorded.join(', ')} hold an SMTP password recorded before secrets were kept out of the log; they are exported as recorded (the chain covers them): change that password\n`);
    if (values.out) {
      // The log names voters' ballots and operators: owner-only, written whole or not at all.
      await writeFileAtomic(values.out, lines, { mode: 0o600 });
      printJson(io, { file: values.out, ...tip, chainOk: chain.ok });
    } else {
      for (const line of lines) io.stdout.write(line);
    }
    if (!chain.ok) io.stderr.write(`warning: the chain is broken at entry ${chain.brokenAt} (${chain.reason}); exported as it is\n`);
    return 0;
  });
}
