import path from 'node:path';
import { ApiCallError } from '../../../shared/api/define.js';
import { floridaToFolder, syncToFolder } from '../../sync/folder.js';
import { SyncSender } from '../../sync/sender.js';
import type { Handlers } from '../router.js';

export const syncHandlers: Partial<Handlers> = {
  'sync.status': (station) => station.store.sync.list(),
  'sync.run': async (station, _s, input) => {
    const baseUrl = station.store.config.get('syncUrl');
    if (!baseUrl) throw new ApiCallError('failed', 'No state API address is set: a supervisor enters it in Settings, under Sync.');
    const sender = new SyncSender(station.store, { baseUrl, token: input.token }, { onProgress: (p) => station.emit('syncProgress', p) });
    return sender.runOnce();
  },
  'sync.toFolder': async (station, session, input) => {
    if (!path.isAbsolute(input.dir)) throw new ApiCallError('invalid-input', 'Give the folder as a full path, for example /media/usb or E:\\.');
    const actor = session.operator?.name ?? 'unknown';
    return input.layout === 'florida' ? floridaToFolder(station.store, input.dir, station.clock(), actor) : syncToFolder(station.store, input.dir, 'csv', actor);
  },
  'sync.confirmUpload': (station, session, input) => {
    const row = station.store.batches.resolve(input.batchId, station.stationName);
    if (!row) throw new ApiCallError('not-found', `There is no batch ${input.batchId}.`);
    try {
      const f = station.store.sync.confirmUpload(row.batch_id, session.operator?.name ?? 'unknown', station.clock().toISOString());
      return { batchId: row.batch_id, ack: `file:${f.file} sha256:${f.sha256}` };
    } catch (e) {
      throw new ApiCallError('conflict', `Batch ${row.number}: ${(e as Error).message}.`);
    }
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
