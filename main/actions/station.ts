import { checkLabel, decodeResultJson, decodeScan, type LabelRule } from '../../shared/barcode/index.js';
import { contract } from '../../shared/api/contract.js';
import { renderCoverSheet } from '../batches/cover-sheet.js';
import { listScanners } from '../scanners/index.js';
import { resolveBatch } from './batches.js';
import { authorize, type ActionContext, type Actor } from './context.js';

export function reports(ctx: ActionContext, actor: Actor | null, since: string | null) {
  authorize(actor, 'reports.summary');
  return ctx.store.reports.summary(since, () => ctx.store.cure.codeCounts());
}

/** A batch's cover sheet: its count, hand count and every receipt, with the batch's barcode. */
export async function coverSheet(ctx: ActionContext, actor: Actor | null, ref: string) {
  authorize(actor, 'batches.coverSheet');
  const { batchId, batch } = resolveBatch(ctx, ref);
  const pdf = await renderCoverSheet(batch, [...ctx.store.scans.receipts(batchId)], ctx.store.config.get('electionName') ?? null);
  return { filename: `batch-${batch.station}-${batch.number}.pdf`, pdfBase64: Buffer.from(pdf).toString('base64') };
}

/** Scanners attached to this machine, known makers first. */
export async function discoverScanners(actor: Actor | null) {
  authorize(actor, 'scanners.discover');
  return listScanners();
}

/** How a sample label reads under a rule, before the rule is saved. */
export function labelRuleCheck(actor: Actor | null, input: { rule: LabelRule | null; sample: string }) {
  authorize(actor, 'settings.labelRuleCheck');
  return {
    label: checkLabel(input.sample, null, input.rule),
    decode: contract['settings.labelRuleCheck'].output.shape.decode.parse(decodeResultJson(decodeScan(input.sample, input.rule))),
  };
}
