import path from 'node:path';
import { ApiCallError } from '../../../shared/api/define.js';
import { floridaToFolder, syncToFolder } from '../../sync/folder.js';
import { SyncSender } from '../../sync/sender.js';
import type { Handlers } from '../router.js';

export const syncHandlers: Partial<Handlers> = {
  'sync.status': (station) => station.store.sync.list(),
  'sync.run': async (station, _s, input) => {
    const baseUrl = station.store.config.get('syncUrl');
    if (!baseUrl) throw new ApiCallError('failed', 'set the state API address first (Settings: syncUrl)');
    const sender = new SyncSender(station.store, { baseUrl, token: input.token }, { onProgress: (p) => station.emit('syncProgress', p) });
    return sender.runOnce();
  },
  'sync.toFolder': async (station, _s, input) => {
    if (!path.isAbsolute(input.dir)) throw new ApiCallError('invalid-input', 'give the folder as a full path (e.g. /media/usb or E:\\)');
    return input.layout === 'florida' ? floridaToFolder(station.store, input.dir) : syncToFolder(station.store, input.dir, 'csv');
  },
  'sync.requeue': (station, session, input) => {
    const row = station.store.batches.resolve(input.batchId, station.stationName);
    if (!row) throw new ApiCallError('not-found', `no batch ${input.batchId}`);
    try {
      station.store.sync.requeue(row.batch_id, session.operator?.name ?? 'unknown', input.reason, station.clock().toISOString());
    } catch (e) {
      throw new ApiCallError('conflict', (e as Error).message);
    }
    return { batchId: row.batch_id };
  },
};
