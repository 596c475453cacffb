import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../main/store/store.js';
import { tempStore } from '../helpers/station.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.cleanup());

describe('settings read by every scan', () => {
  it('are seen at once after this connection changes them', () => {
    expect(t.store.config.get('batchSize')).toBe(250);
    t.store.config.set('batchSize', 10, 'sue', new Date().toISOString());
    expect(t.store.config.get('batchSize')).toBe(10);
  });

  it('are seen at once after another connection (the CLI beside the app) changes them', () => {
    expect(t.store.config.get('election')).toBeUndefined();
    const other = Store.open(t.dbPath);
    try {
      other.config.set('election', 'E2026', 'sue', new Date().toISOString());
    } finally {
      other.close();
    }
    expect(t.store.config.get('election')).toBe('E2026');
  });

  it('a value edited by hand into something invalid reads as unset, not trusted', () => {
    t.store.config.set('batchSize', 10, 'sue', new Date().toISOString());
    expect(t.store.config.get('batchSize')).toBe(10);
    const other = Store.open(t.dbPath);
    try {
      other.db.prepare("UPDATE config SET value = '\"lots\"' WHERE key = 'batchSize'").run();
    } finally {
      other.close();
    }
    expect(t.store.config.get('batchSize')).toBeUndefined();
  });
});
