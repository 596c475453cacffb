import { configSchemas, isConfigKey, parseConfigText, type ConfigKey } from '../../../shared/config.js';
import { CommandError, parse, printJson, UsageError, withStore, type Io } from '../context.js';

export function configCommand(io: Io, args: string[]): number {
  const { values, positionals } = parse(args, { operator: { type: 'string' } });
  const [sub, key, ...rest] = positionals;
  const keyOf = (k: string | undefined): ConfigKey => {
    if (!k) throw new UsageError('a configuration key is required');
    if (!isConfigKey(k)) throw new UsageError(`unknown key ${k}; keys: ${Object.keys(configSchemas).join(', ')}`);
    return k;
  };
  return withStore(io, values.db, (store) => {
    switch (sub) {
      case 'get': {
        if (key === undefined) {
          printJson(io, store.config.all());
          return 0;
        }
        const v = store.config.get(keyOf(key));
        if (v === undefined) throw new CommandError(`${key} is not set`);
        printJson(io, v);
        return 0;
      }
      case 'list':
        printJson(io, store.config.all());
        return 0;
      case 'set': {
        const k = keyOf(key);
        if (rest.length === 0) throw new UsageError(`usage: intake config set ${k} VALUE`);
        const parsed = parseConfigText(k, rest.join(' '));
        if (!parsed.ok) throw new CommandError(parsed.error);
        store.config.set(k, parsed.value as never, values.operator ?? io.env['INTAKE_OPERATOR'] ?? 'cli', new Date().toISOString());
        printJson(io, { [k]: store.config.get(k) });
        return 0;
      }
      default:
        throw new UsageError('usage: intake config get [KEY] | set KEY VALUE | list');
    }
  });
}
