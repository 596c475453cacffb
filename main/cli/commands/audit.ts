import { parse, printJson, UsageError, withStore, type Io } from '../context.js';

export function auditCommand(io: Io, args: string[]): number {
  const [sub, ...rest] = args;
  const { values } = parse(rest, {});
  if (sub !== 'verify') throw new UsageError('usage: intake audit verify');
  return withStore(io, values.db, (store) => {
    const v = store.verifyAudit();
    printJson(io, v);
    if (!v.ok) io.stderr.write(`audit chain broken at entry ${v.brokenAt}: ${v.reason}\n`);
    return v.ok ? 0 : 1;
  });
}
