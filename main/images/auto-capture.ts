import type { ImageDto } from '../../shared/api/methods/images.js';
import type { ActionContext } from '../actions/context.js';
import { storeEnvelopeImage } from '../actions/images.js';
import { oplog } from '../oplog/index.js';
import { recordScanFault } from '../store/scan-faults.js';
import { captureSane } from './sane.js';

/**
 * "After each accepted scan": the envelope's back is captured from the SANE scanner once the
 * receipt is on disk, never before and never in its way. Captures run one at a time (one
 * scanner), in scan order. A scanner that is missing or fails is a scan fault in plain words
 * and a notice on every screen; the receipt stays recorded as it was.
 */
const queues = new WeakMap<object, Promise<unknown>>();

export function captureAfterScan(ctx: ActionContext, scan: { seq: number; verdict: string; operator: string }, env?: NodeJS.ProcessEnv): Promise<ImageDto[] | null> | null {
  if (scan.verdict !== 'ACCEPTED') return null;
  const config = ctx.store.config;
  const device = config.get('images.device');
  if (config.get('images.capture') !== 'after-accept' || !device) return null;
  const run = async (): Promise<ImageDto[] | null> => {
    try {
      const bytes = await captureSane({ device, args: config.get('images.scanArgs') ?? [], timeoutMs: (config.get('images.timeoutSeconds') ?? 30) * 1000, ...(env ? { env } : {}) });
      const images = await storeEnvelopeImage(ctx, scan.operator, scan.seq, bytes, 'sane');
      oplog.event(ctx.store, 'image.captured', 'success', `scan ${scan.seq}: envelope image captured from ${device}`);
      return images;
    } catch (e) {
      const reason = `envelope image not captured: ${(e as Error).message}; the receipt is recorded — capture it again or attach a photo`;
      recordScanFault(ctx.store, { at: ctx.clock().toISOString(), station: ctx.stationName, scanner: `image ${device}`, raw: `scan ${scan.seq}`, reason });
      oplog.event(ctx.store, 'image.capture_failed', 'failure', `scan ${scan.seq}: ${reason}`);
      ctx.emit('notice', { level: 'warning', message: `Scan ${scan.seq}: ${reason}.` });
      return null;
    }
  };
  const next = (queues.get(ctx.store) ?? Promise.resolve()).then(run, run);
  queues.set(ctx.store, next);
  return next;
}
