import path from 'node:path';
import { startSorterWatch } from '../../images/sorter-watch.js';
import { fileURLToPath } from 'node:url';
import { buildHandlers } from '../../api/handlers/index.js';
import { Router } from '../../api/router.js';
import { serve } from '../../api/serve.js';
import { Station } from '../../api/station.js';
import { parseSerialOption } from '../../scanners/index.js';
import { acquireStationLock } from '../../store/instance-lock.js';
import { openStore, parse, UsageError, type Io } from '../context.js';
import { oplog } from '../../oplog/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/main/cli/commands → dist/renderer */
export const RENDERER_DIR = path.resolve(here, '..', '..', '..', 'renderer');

export async function serveCommand(io: Io, args: string[]): Promise<number> {
  const { values } = parse(args, { port: { type: 'string' }, serial: { type: 'string', multiple: true }, terminator: { type: 'string' } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0–65535');
  const store = openStore(io, values.db);
  let release: () => void;
  try {
    release = acquireStationLock(store.path);
  } catch (e) {
    store.close();
    throw e;
  }
  store.checkpointInBackground();
  const station = new Station(store);
  const router = new Router(station, buildHandlers());
  // Saved scanners (Settings), plus any given here (--serial PATH: handy for a quick test).
  const extra = (values.serial ?? []).map((p, i) => {
    const r = parseSerialOption(p, { id: `serial-${i + 1}`, ...(values.terminator ? { terminator: values.terminator } : {}) });
    if (!r.ok) throw new UsageError(r.error);
    return r.value;
  });
  station.startScanners([...(store.config.get('scanners') ?? []), ...extra]);
  const sorter = startSorterWatch(station); // envelope images from a sorter's folder (images.sorterFolder)
  station.startCounty(); // a county station: replicate to the hub while serving (no hub: nothing)
  const server = await serve(router, { port, rendererDir: io.env['INTAKE_RENDERER_DIR'] ?? RENDERER_DIR });
  // Listening before the URL is printed: whoever reads it may stop the station at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  oplog.event(store, 'station.started', 'success', `intake serve started on 127.0.0.1:${server.port}`);
  io.stdout.write(`${JSON.stringify({ url: server.url, port: server.port, db: store.path })}\n`);
  io.stderr.write(`Ballot Intake Station is serving on 127.0.0.1 only. Open:\n  ${server.url}\n(Ctrl-C to stop)\n`);
  await stopped;
  await server.close();
  sorter?.stop();
  await station.stopScanners();
  await station.stopCounty();
  await station.stopMailReads();
  oplog.event(store, 'station.stopped', 'success', 'intake serve stopped');
  store.close();
  release();
  return 0;
}
