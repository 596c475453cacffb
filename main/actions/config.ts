import { configSchemas, redactConfig, type ConfigKey, type ConfigValues, type ShownConfig } from '../../shared/config.js';
import { ServiceError } from '../../shared/errors.js';
import { plainIssues } from './messages.js';
import { authorize, type ActionContext, type Actor } from './context.js';

/** Every setting as a screen may show it: secrets replaced by whether one is stored. */
export function getSettings(ctx: ActionContext, actor: Actor | null): ShownConfig {
  authorize(actor, 'settings.get');
  return redactConfig(ctx.store.config.all());
}

/** One setting, as shown (a secret is never printed either). */
export function readSetting(ctx: ActionContext, actor: Actor | null, key: ConfigKey): unknown {
  authorize(actor, 'settings.read');
  const v = ctx.store.config.get(key);
  if (v === undefined) throw new ServiceError('not-found', `${key} is not set.`);
  return redactConfig({ [key]: v })[key];
}

/**
 * Validates and stores a setting under the authenticated operator (audited, secrets as
 * "changed"). An SMTP setting given without a password keeps the stored one: the screens
 * never see it, so they cannot send it back.
 */
export function setSetting<K extends ConfigKey>(ctx: ActionContext, actor: Actor | null, key: K, value: unknown): { key: K; value: unknown } {
  const who = authorize(actor, 'settings.set');
  // null clears a setting that has no null of its own (the Settings screen's "Clear").
  if (value === null && !configSchemas[key].safeParse(null).success) {
    ctx.store.config.clear(key, who.name, ctx.clock().toISOString());
    return { key, value: null };
  }
  const parsed = configSchemas[key].safeParse(value);
  if (!parsed.success) throw new ServiceError('invalid', `${key}: ${plainIssues(parsed.error.issues)}`, parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  let next = parsed.data as ConfigValues[K];
  if (key === 'smtp') {
    const smtp = next as ConfigValues['smtp'];
    const stored = ctx.store.config.get('smtp')?.pass;
    if (smtp.pass === undefined && stored !== undefined) next = { ...smtp, pass: stored } as ConfigValues[K];
  }
  ctx.store.config.set(key, next, who.name, ctx.clock().toISOString());
  return { key, value: readSetting(ctx, who, key) };
}
