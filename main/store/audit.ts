import { hash } from 'node:crypto';
import type { AuditAction } from '../../shared/audit-actions.js';
import type { Db } from './db.js';

/**
 * The hash-chained audit log. Each entry's hash covers its own fields and the previous
 * entry's hash, so editing, deleting or reordering any entry breaks the chain at that point.
 * Appends happen inside the caller's transaction, so an entry exists exactly when its change does.
 */
export interface AuditEntry {
  actor: string;
  action: AuditAction;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted, so the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

export function entryHash(row: Omit<AuditRow, 'hash'>): string {
  // Unit separators keep field boundaries unambiguous. One-shot `hash`, not `createHash`: a Hash
  // object per entry is a native handle that V8's young-generation collections must keep alive
  // (weak handles are roots there), which makes every scavenge during scanning slower.
  return hash(
    'sha256',
    [row.prev_hash, row.seq, row.at, row.actor, row.action, row.entity, row.entity_id ?? '', row.before ?? '', row.after ?? ''].join('\u001f'),
    'hex',
  );
}

export class AuditLog {
  private readonly head;
  private readonly insert;

  constructor(private readonly db: Db) {
    this.head = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.insert = db.prepare(
      `INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash)
       VALUES (@seq, @at, @actor, @action, @entity, @entity_id, @before, @after, @prev_hash, @hash)`,
    );
  }

  /** Must run inside a write transaction (the head is read and extended atomically). */
  append(entry: AuditEntry, at: string): AuditRow {
    if (!this.db.inTransaction) throw new Error('audit append outside a transaction');
    const head = this.head.get();
    const row: Omit<AuditRow, 'hash'> = {
      seq: (head?.seq ?? 0) + 1,
      at,
      actor: entry.actor,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId,
      before: entry.before === undefined || entry.before === null ? null : canonicalJson(entry.before),
      after: entry.after === undefined || entry.after === null ? null : canonicalJson(entry.after),
      prev_hash: head?.hash ?? GENESIS_HASH,
    };
    const full = { ...row, hash: entryHash(row) };
    this.insert.run(full);
    return full;
  }

  /** How many entries there are, and the last one's hash (as stored, whether or not the chain holds). */
  tip(): { entries: number; head: string } {
    const r = this.db.prepare<[], { n: number; head: string | null }>('SELECT count(*) AS n, (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS head FROM audit_log').get();
    return { entries: r?.n ?? 0, head: r?.head ?? GENESIS_HASH };
  }

  /** Every entry in order, exactly as stored (for `intake audit export`). */
  *entries(): Generator<AuditRow> {
    yield* this.db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq').iterate();
  }

  /** Walks the whole chain; returns the first broken link, if any. */
  verify(): AuditVerdict {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let count = 0;
    for (const row of this.db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq').iterate()) {
      if (row.seq !== expectedSeq)
        return { ok: false, count, brokenAt: expectedSeq, reason: `entry ${expectedSeq} is missing (next is ${row.seq})` };
      if (row.prev_hash !== prevHash)
        return { ok: false, count, brokenAt: row.seq, reason: `entry ${row.seq} does not follow entry ${row.seq - 1} (previous hash differs)` };
      const { hash, ...rest } = row;
      if (entryHash(rest) !== hash)
        return { ok: false, count, brokenAt: row.seq, reason: `entry ${row.seq} was altered (its hash does not match its contents)` };
      prevHash = hash;
      expectedSeq += 1;
      count += 1;
    }
    return { ok: true, count, head: prevHash };
  }
}

export type AuditVerdict =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; brokenAt: number; reason: string };
