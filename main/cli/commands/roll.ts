import { ROLL_FORMATS, type RollFormat } from '../../../shared/roll/types.js';
import { findBallots, importRollFile, rollStats } from '../../actions/roll.js';
import type { ImportProgress } from '../../roll/import.js';
import { parseMapOption } from '../../roll/read.js';
import { cliActor } from '../actor.js';
import { CommandError, parse, printJson, UsageError, withStation, type Io } from '../context.js';

export async function rollCommand(io: Io, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'import':
      return rollImport(io, rest);
    case 'stats': {
      const { values } = parse(rest, { operator: { type: 'string' } });
      return withStation(io, values, async (station) => {
        printJson(io, rollStats(station, await cliActor(io, station, 'roll.stats', values.operator)));
        return 0;
      });
    }
    case 'find':
      return rollFind(io, rest);
    case 'publish':
      return (await import('./county-roll.js')).rollPublish(io, rest);
    case 'pull':
      return (await import('./county-roll.js')).rollPull(io, rest);
    default:
      throw new UsageError(`unknown roll command ${sub ?? ''}: use import, stats, find, publish or pull`);
  }
}

function progressPrinter(io: Io): ((p: ImportProgress) => void) | undefined {
  if (!io.stderr.isTTY) return undefined;
  return (p) => {
    const pct = p.totalBytes ? ` ${((100 * p.bytes) / p.totalBytes).toFixed(1)}%` : '';
    io.stderr.write(`\r${p.phase}: ${p.rows.toLocaleString('en-US')} rows, ${(p.bytes / 1e6).toFixed(1)} MB${pct}, ${Math.round(p.rowsPerSecond).toLocaleString('en-US')} rows/s   `);
    if (p.phase === 'done') io.stderr.write('\n');
  };
}

async function rollImport(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    format: { type: 'string' },
    map: { type: 'string' },
    election: { type: 'string' },
    encoding: { type: 'string' },
    operator: { type: 'string' },
  });
  const file = positionals[0];
  if (!file) throw new UsageError('usage: intake roll import FILE --format station|nc-sbe|ga-sos [--map SRC=FIELD,...] [--election ID]');
  const format = values.format ?? 'station';
  if (!(ROLL_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${ROLL_FORMATS.join(', ')}`);
  let map: Record<string, string> | undefined;
  if (values.map) {
    const m = parseMapOption(values.map);
    if (!m.ok) throw new UsageError(`--map: ${m.error}`);
    map = m.value;
  }
  const encoding = values.encoding;
  if (encoding !== undefined && !['utf8', 'latin1', 'cp1252'].includes(encoding)) throw new UsageError('--encoding must be utf8, latin1 or cp1252');
  return withStation(io, values, async (station) => {
    const actor = await cliActor(io, station, 'roll.import', values.operator);
    const onProgress = progressPrinter(io);
    const summary = await importRollFile(
      station,
      actor,
      { file, format: format as RollFormat, map, election: values.election, ...(encoding ? { encoding: encoding as 'utf8' | 'latin1' | 'cp1252' } : {}) },
      onProgress,
    );
    printJson(io, summary);
    return 0;
  });
}

async function rollFind(io: Io, args: string[]): Promise<number> {
  const { values } = parse(args, {
    name: { type: 'string' },
    dob: { type: 'string' },
    'voter-id': { type: 'string' },
    'ballot-id': { type: 'string' },
    address: { type: 'string' },
    limit: { type: 'string' },
    operator: { type: 'string' },
  });
  const query = {
    ...(values.name ? { name: values.name } : {}),
    ...(values.dob ? { dob: values.dob } : {}),
    ...(values['voter-id'] ? { voterId: values['voter-id'] } : {}),
    ...(values['ballot-id'] ? { ballotId: values['ballot-id'] } : {}),
    ...(values.address ? { address: values.address } : {}),
    ...(values.limit ? { limit: Number(values.limit) } : {}),
  };
  if (Object.keys(query).filter((k) => k !== 'limit').length === 0) throw new UsageError('give at least one of --name, --dob, --voter-id, --ballot-id, --address');
  return withStation(io, values, async (station) => {
    const ballots = findBallots(station, await cliActor(io, station, 'roll.find', values.operator), query);
    if (ballots.length === 0) throw new CommandError('no matching voter');
    printJson(io, { ballots });
    return 0;
  });
}
