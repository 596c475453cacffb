import os from 'node:os';
import { writeFileAtomic } from '../../sync/files.js';
import type { Store } from '../../store/store.js';
import { parse, printJson, UsageError, withStore, withStoreAsync, type Io } from '../context.js';

const USAGE = 'usage: intake audit verify | intake audit export [--out FILE]';

/** The export's first line; docs/audit.md describes the format, scripts/verify-audit.mjs checks it. */
export const AUDIT_EXPORT_FORMAT = 'ballot-intake-station/audit-log';

export async function auditCommand(io: Io, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'verify') {
    const { values } = parse(rest, {});
    return withStore(io, values.db, (store) => {
      const v = store.verifyAudit();
      printJson(io, v);
      if (!v.ok) io.stderr.write(`audit chain broken at entry ${v.brokenAt}: ${v.reason}\n`);
      return v.ok ? 0 : 1;
    });
  }
  if (sub === 'export') {
    const { values } = parse(rest, { out: { type: 'string' } });
    return withStoreAsync(io, values.db, async (store) => {
      const v = store.audit.verify();
      if (values.out) {
        // The log names voters' ballots and operators: owner-only, written whole or not at all.
        await writeFileAtomic(values.out, exportLines(store), { mode: 0o600 });
        printJson(io, { file: values.out, ...store.audit.tip(), chainOk: v.ok });
      } else {
        for (const line of exportLines(store)) io.stdout.write(line);
      }
      if (!v.ok) io.stderr.write(`warning: the chain is broken at entry ${v.brokenAt} (${v.reason}); exported as it is\n`);
      return 0;
    });
  }
  throw new UsageError(USAGE);
}

/** NDJSON: a header naming the station, the count and the head hash, then every entry as stored. */
function* exportLines(store: Store): Generator<string> {
  yield `${JSON.stringify({
    format: AUDIT_EXPORT_FORMAT,
    version: 1,
    station: store.config.get('station') ?? os.hostname(),
    exportedAt: new Date().toISOString(),
    ...store.audit.tip(),
    hashRule: 'sha256(prev_hash US seq US at US actor US action US entity US entity_id|"" US before|"" US after|""), US = U+001F; genesis prev_hash = 64 zeros',
  })}\n`;
  for (const row of store.audit.entries()) yield `${JSON.stringify(row)}\n`;
}
