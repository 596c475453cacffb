/** A process writing to a shared station log: `writer-child.ts FILE WORKER COUNT MAXBYTES`. */
import { StationLog } from '../../main/oplog/station-log.js';

const [file = '', worker = '0', count = '0', max = '4000'] = process.argv.slice(2);
const log = new StationLog(file, { maxBytes: Number(max), keep: 50 });
for (let i = 0; i < Number(count); i += 1) log.event('import.started', 'na', `worker ${worker} line ${i}`);
