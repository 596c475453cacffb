import { terminalSafeJson } from '../../shared/terminal.js';
import { authorize, stationNameOf, type ActionContext, type Actor } from './context.js';

/** The export's first line; docs/audit.md describes the format, scripts/verify-audit.mjs checks it. */
export const AUDIT_EXPORT_FORMAT = 'ballot-intake-station/audit-log';

export function verifyAudit(ctx: ActionContext, actor: Actor | null) {
  authorize(actor, 'audit.verify');
  return ctx.store.verifyAudit();
}

/**
 * The log for an outside auditor, as NDJSON: a header naming the station, the count and the
 * head hash, then every entry as stored (so the chain can be checked without the station).
 */
export function exportAudit(
  ctx: ActionContext,
  actor: Actor | null,
): { lines: Generator<string>; chain: ReturnType<ActionContext['store']['audit']['verify']>; tip: { entries: number; head: string }; secretsRecorded: number[] } {
  authorize(actor, 'audit.export');
  const { audit } = ctx.store;
  return { lines: exportLines(ctx), chain: audit.verify(), tip: audit.tip(), secretsRecorded: secretsRecorded(ctx) };
}

/**
 * Entries written before secrets were kept out of the log that still hold an SMTP password.
 * They cannot be blanked (the chain covers them): the supervisor is told, to change the password.
 */
function secretsRecorded(ctx: ActionContext): number[] {
  const seqs: number[] = [];
  for (const e of ctx.store.audit.entries())
    if (e.entity_id === 'smtp' && /"pass":"[^"]/.test(`${e.before ?? ''}${e.after ?? ''}`)) seqs.push(e.seq);
  return seqs;
}

function* exportLines(ctx: ActionContext): Generator<string> {
  yield `${terminalSafeJson({
    format: AUDIT_EXPORT_FORMAT,
    version: 1,
    station: stationNameOf(ctx.store),
    exportedAt: ctx.clock().toISOString(),
    ...ctx.store.audit.tip(),
    hashRule: 'sha256(prev_hash US seq US at US actor US action US entity US entity_id|"" US before|"" US after|""), US = U+001F; genesis prev_hash = 64 zeros',
  })}\n`;
  // \u escapes for control and bidi characters: the same strings to a JSON reader, inert on a terminal.
  for (const row of ctx.store.audit.entries()) yield `${terminalSafeJson(row)}\n`;
}
