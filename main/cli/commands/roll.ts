import { ROLL_FORMATS, type RollFormat } from '../../../shared/roll/types.js';
import { importRoll, type ImportProgress } from '../../roll/import.js';
import { parseMapOption } from '../../roll/read.js';
import { toBallotRecord } from '../../store/roll.js';
import { ballotHistory } from '../../intake/history.js';
import { CommandError, parse, printJson, UsageError, withStore, withStoreAsync, type Io } from '../context.js';

export async function rollCommand(io: Io, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'import':
      return rollImport(io, rest);
    case 'stats': {
      const { values } = parse(rest, {});
      return withStore(io, values.db, (store) => {
        printJson(io, store.roll.stats());
        return 0;
      });
    }
    case 'find':
      return rollFind(io, rest);
    default:
      throw new UsageError(`unknown roll command ${sub ?? ''}: use import, stats or find`);
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
  const operator = values.operator ?? io.env['INTAKE_OPERATOR'] ?? 'cli';
  return withStoreAsync(io, values.db, async (store) => {
    const electionId = values.election ?? (format === 'ga-sos' ? store.config.get('election') : undefined);
    const onProgress = progressPrinter(io);
    const summary = await importRoll(store, file, {
      format: format as RollFormat,
      operator,
      ...(map ? { map } : {}),
      ...(electionId ? { electionId } : {}),
      ...(encoding ? { encoding: encoding as 'utf8' | 'latin1' | 'cp1252' } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
    printJson(io, summary);
    return 0;
  });
}

function rollFind(io: Io, args: string[]): number {
  const { values } = parse(args, {
    name: { type: 'string' },
    dob: { type: 'string' },
    'voter-id': { type: 'string' },
    'ballot-id': { type: 'string' },
    address: { type: 'string' },
    limit: { type: 'string' },
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
  return withStore(io, values.db, (store) => {
    const rows = store.roll.find(query);
    if (rows.length === 0) throw new CommandError('no matching voter');
    printJson(io, { ballots: rows.map((r) => ({ ...toBallotRecord(r), history: ballotHistory(store, r.ballot_id) })) });
    return 0;
  });
}
