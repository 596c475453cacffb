import type { logMethods } from '../../../shared/api/methods/log.js';
import { stationLog } from '../../oplog/index.js';
import type { Handler } from '../router.js';

export const logHandlers: { [M in keyof typeof logMethods]: Handler<M> } = {
  'log.tail': (station, _s, input) => {
    const log = stationLog(station.store);
    return { file: log?.file ?? null, entries: log?.tail(input.lines) ?? [] };
  },
};
