import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { BatchChunkRequest, StateChange } from '../../shared/sync/contract.js';
import { stateChangeSchema } from '../../shared/sync/contract.js';

/**
 * The reference state server's own database: acknowledged chunks by idempotency key (with the
 * hash of the body they were acknowledged for), their receipts, and the change feed.
 * A separate SQLite file, so a test can check exactly-once after every process has died.
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS chunks (
  idem_key TEXT PRIMARY KEY,
  batch_id TEXT NOT NULL,
  chunk_index INTEGER NOT NULL,
  chunk_count INTEGER NOT NULL,
  body_hash TEXT NOT NULL,
  ack TEXT NOT NULL UNIQUE,
  station_id TEXT NOT NULL,
  election_id TEXT NOT NULL,
  closed_at TEXT NOT NULL,
  hand_count INTEGER,
  stored_at TEXT NOT NULL,
  UNIQUE (batch_id, chunk_index)
) STRICT;
CREATE TABLE IF NOT EXISTS receipts (
  idem_key TEXT NOT NULL REFERENCES chunks(idem_key),
  position INTEGER NOT NULL,
  batch_id TEXT NOT NULL,
  ballot_id TEXT NOT NULL,
  voter_id TEXT NOT NULL,
  received_at TEXT NOT NULL,
  verdict TEXT NOT NULL,
  cure_codes TEXT NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY (idem_key, position)
) STRICT;
CREATE TABLE IF NOT EXISTS changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  voter_id TEXT NOT NULL,
  ballot_id TEXT NOT NULL,
  new_ballot_id TEXT,
  election_id TEXT NOT NULL,
  at TEXT NOT NULL
) STRICT;
`;

export interface StoredChunk {
  key: string;
  bodyHash: string;
  ack: string;
}

export interface StoredReceipt {
  key: string;
  ack: string;
  batchId: string;
  chunkIndex: number;
  chunkCount: number;
  position: number;
  ballotId: string;
  voterId: string;
  receivedAt: string;
  verdict: string;
  cureCodes: string[];
  status: string;
}

export interface BatchProgress {
  batchId: string;
  chunkCount: number;
  acknowledged: number;
  /** A batch is complete at the state when all of its chunks are acknowledged. */
  complete: boolean;
}

interface ReceiptRow {
  idem_key: string;
  ack: string;
  batch_id: string;
  chunk_index: number;
  chunk_count: number;
  position: number;
  ballot_id: string;
  voter_id: string;
  received_at: string;
  verdict: string;
  cure_codes: string;
  status: string;
}

interface ChangeRow {
  seq: number;
  kind: string;
  voter_id: string;
  ballot_id: string;
  new_ballot_id: string | null;
  election_id: string;
  at: string;
}

export class StateStore {
  private readonly db: Database.Database;

  constructor(dbPath: string) {
    this.db = new Database(dbPath);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  chunk(key: string): StoredChunk | undefined {
    const row = this.db
      .prepare<[string], { idem_key: string; body_hash: string; ack: string }>(
        'SELECT idem_key, body_hash, ack FROM chunks WHERE idem_key = ?',
      )
      .get(key);
    return row && { key: row.idem_key, bodyHash: row.body_hash, ack: row.ack };
  }

  /** The chunk already stored at this batch and index under another key (another split). */
  chunkAt(batchId: string, index: number): StoredChunk | undefined {
    const row = this.db
      .prepare<[string, number], { idem_key: string; body_hash: string; ack: string }>(
        'SELECT idem_key, body_hash, ack FROM chunks WHERE batch_id = ? AND chunk_index = ?',
      )
      .get(batchId, index);
    return row && { key: row.idem_key, bodyHash: row.body_hash, ack: row.ack };
  }

  /** The chunk counts this batch was acknowledged under so far (one, unless a client erred). */
  chunkCounts(batchId: string): number[] {
    return this.db
      .prepare<[string], { chunk_count: number }>(
        'SELECT DISTINCT chunk_count FROM chunks WHERE batch_id = ?',
      )
      .all(batchId)
      .map((r) => r.chunk_count);
  }

  /** Stores the chunk and its receipts in one transaction; returns the new acknowledgement. */
  storeChunk(key: string, body: BatchChunkRequest, hash: string, at: string): string {
    const ack = `st-${randomUUID()}`;
    const insertChunk = this.db.prepare(
      `INSERT INTO chunks (idem_key, batch_id, chunk_index, chunk_count, body_hash, ack, station_id, election_id, closed_at, hand_count, stored_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertReceipt = this.db.prepare(
      `INSERT INTO receipts (idem_key, position, batch_id, ballot_id, voter_id, received_at, verdict, cure_codes, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      insertChunk.run(
        key,
        body.batchId,
        body.chunk.index,
        body.chunk.count,
        hash,
        ack,
        body.stationId,
        body.electionId,
        body.closedAt,
        body.handCount,
        at,
      );
      body.receipts.forEach((r, i) => {
        insertReceipt.run(
          key,
          i,
          body.batchId,
          r.ballotId,
          r.voterId,
          r.receivedAt,
          r.verdict,
          JSON.stringify(r.cureCodes),
          r.status,
        );
      });
    })();
    return ack;
  }

  receipts(): StoredReceipt[] {
    return this.db
      .prepare<[], ReceiptRow>(
        `SELECT r.*, c.ack, c.chunk_index, c.chunk_count FROM receipts r JOIN chunks c ON c.idem_key = r.idem_key
         ORDER BY r.batch_id, c.chunk_index, r.position`,
      )
      .all()
      .map((r) => ({
        key: r.idem_key,
        ack: r.ack,
        batchId: r.batch_id,
        chunkIndex: r.chunk_index,
        chunkCount: r.chunk_count,
        position: r.position,
        ballotId: r.ballot_id,
        voterId: r.voter_id,
        receivedAt: r.received_at,
        verdict: r.verdict,
        cureCodes: JSON.parse(r.cure_codes) as string[],
        status: r.status,
      }));
  }

  batches(): BatchProgress[] {
    return this.db
      .prepare<[], { batch_id: string; chunk_count: number; n: number }>(
        'SELECT batch_id, max(chunk_count) AS chunk_count, count(*) AS n FROM chunks GROUP BY batch_id ORDER BY batch_id',
      )
      .all()
      .map((r) => ({
        batchId: r.batch_id,
        chunkCount: r.chunk_count,
        acknowledged: r.n,
        complete: r.n === r.chunk_count,
      }));
  }

  addChange(change: StateChange): number {
    const c = stateChangeSchema.parse(change);
    return Number(
      this.db
        .prepare(
          'INSERT INTO changes (kind, voter_id, ballot_id, new_ballot_id, election_id, at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(c.kind, c.voterId, c.ballotId, c.newBallotId ?? null, c.electionId, c.at).lastInsertRowid,
    );
  }

  /** Changes after sequence number `seq`, oldest first, with the sequence number of each. */
  changesAfter(seq: number, limit: number): { seq: number; change: StateChange }[] {
    return this.db
      .prepare<[number, number], ChangeRow>('SELECT * FROM changes WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(seq, limit)
      .map((r) => ({ seq: r.seq, change: toChange(r) }));
  }
}

function toChange(r: ChangeRow): StateChange {
  return stateChangeSchema.parse({
    kind: r.kind,
    voterId: r.voter_id,
    ballotId: r.ballot_id,
    ...(r.new_ballot_id === null ? {} : { newBallotId: r.new_ballot_id }),
    electionId: r.election_id,
    at: r.at,
  });
}
