import { configSchemas, isConfigKey, parseConfigText, type ConfigKey } from '../../../shared/config.js';
import { getSettings, readSetting, setSetting } from '../../actions/config.js';
import { cliActor } from '../actor.js';
import { CommandError, parse, printJson, UsageError, withStation, type Io } from '../context.js';

export async function configCommand(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { operator: { type: 'string' } });
  const [sub, key, ...rest] = positionals;
  const keyOf = (k: string | undefined): ConfigKey => {
    if (!k) throw new UsageError('a configuration key is required');
    if (!isConfigKey(k)) throw new UsageError(`unknown key ${k}; keys: ${Object.keys(configSchemas).join(', ')}`);
    return k;
  };
  return withStation(io, values, async (station) => {
    switch (sub) {
      case 'get':
      case 'list': {
        if (sub === 'get' && key !== undefined) {
          const k = keyOf(key);
          printJson(io, readSetting(station, await cliActor(io, station, 'settings.read', values.operator), k));
          return 0;
        }
        printJson(io, getSettings(station, await cliActor(io, station, 'settings.get', values.operator)));
        return 0;
      }
      case 'set': {
        const k = keyOf(key);
        if (rest.length === 0) throw new UsageError(`usage: intake config set ${k} VALUE`);
        const parsed = parseConfigText(k, rest.join(' '));
        if (!parsed.ok) throw new CommandError(parsed.error);
        const r = setSetting(station, await cliActor(io, station, 'settings.set', values.operator), k, parsed.value);
        printJson(io, { [k]: r.value });
        return 0;
      }
      default:
        throw new UsageError('usage: intake config get [KEY] | set KEY VALUE | list');
    }
  });
}
