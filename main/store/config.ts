import { auditableValue, configSchemas, CONFIG_DEFAULTS, type ConfigKey, type ConfigValues } from '../../shared/config.js';
import type { AuditLog } from './audit.js';
import type { Db } from './db.js';

/** Station settings as JSON values in the `config` table; every change is audited. */
export class ConfigStore {
  private readonly getStmt;
  private readonly setStmt;
  private readonly versionStmt;
  /** Parsed values, valid while no other connection has committed (PRAGMA data_version). */
  private readonly cache = new Map<ConfigKey, unknown>();
  private cachedVersion = -1;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {
    this.getStmt = db.prepare<[string], { value: string }>('SELECT value FROM config WHERE key = ?');
    this.versionStmt = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.setStmt = db.prepare(
      `INSERT INTO config (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
  }

  /**
   * A scan reads several settings; they are read from the table and validated once, then kept
   * until this connection changes one or another connection (the CLI beside the app) commits.
   */
  get<K extends ConfigKey>(key: K): ConfigValues[K] | undefined {
    const version = this.versionStmt.get() ?? 0;
    if (version !== this.cachedVersion) {
      this.cache.clear();
      this.cachedVersion = version;
    }
    if (this.cache.has(key)) return this.cache.get(key) as ConfigValues[K] | undefined;
    const value = this.read(key);
    this.cache.set(key, value);
    return value;
  }

  private read<K extends ConfigKey>(key: K): ConfigValues[K] | undefined {
    const row = this.getStmt.get(key);
    if (!row) return CONFIG_DEFAULTS[key];
    const parsed = configSchemas[key].safeParse(JSON.parse(row.value));
    // A value that no longer validates (edited by hand) is treated as unset, not trusted.
    return parsed.success ? (parsed.data as ConfigValues[K]) : undefined;
  }

  all(): Partial<ConfigValues> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(configSchemas) as ConfigKey[]) {
      const v = this.get(key);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }

  /** An optional setting cleared (back to its default, or none); audited like a change. */
  clear(key: ConfigKey, actor: string, at: string): void {
    this.db
      .transaction(() => {
        const before = this.get(key) ?? null;
        this.db.prepare('DELETE FROM config WHERE key = ?').run(key);
        this.cache.clear();
        this.audit.append({ actor, action: 'config.clear', entity: 'config', entityId: key, before: { value: before }, after: null }, at);
      })
      .immediate();
  }

  set<K extends ConfigKey>(key: K, value: ConfigValues[K], actor: string, at: string): void {
    const parsed = configSchemas[key].parse(value);
    this.db
      .transaction(() => {
        const before = this.get(key) ?? null;
        this.setStmt.run(key, JSON.stringify(parsed), at, actor);
        this.cache.clear();
        // Secrets (the SMTP password) are recorded as "changed", never as their value.
        this.audit.append(
          { actor, action: 'config.set', entity: 'config', entityId: key, before: { value: auditableValue(key, before, before) }, after: { value: auditableValue(key, parsed, before) } },
          at,
        );
      })
      .immediate();
  }
}
