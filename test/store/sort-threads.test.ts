import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withSortThreads } from '../../main/store/sort-threads.js';

// The sorter's settings for an index build (main/store/sort-threads.ts): set only for the build, and back after, even when it fails.
describe('index builds on the sorter\u2019s threads', () => {
  it('sorts in runs of 2 MiB on threads, and gives the connection its own settings back after a build that works and one that throws', () => {
    const db = new Database(':memory:');
    db.pragma('cache_size = -65536');
    const during: unknown[] = [];
    const see = () => during.push([db.pragma('cache_size', { simple: true }), (db.pragma('threads', { simple: true }) as number) > 0]);
    expect(withSortThreads(db, () => (see(), 'built'))).toBe('built');
    expect(() =>
      withSortThreads(db, () => {
        see();
        throw new Error('index build failed');
      }),
    ).toThrow('index build failed');
    expect(during).toEqual([[-2048, true], [-2048, true]]);
    expect(db.pragma('cache_size', { simple: true })).toBe(-65536);
    expect(db.pragma('threads', { simple: true })).toBe(0);
    db.close();
  });
});
