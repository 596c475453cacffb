import { z } from 'zod';
import type { Db } from '../db.js';
import type { BallotRow, ImportMeta } from './ballot-row.js';
import { LOAD_TABLE_EXISTS } from './first-load.js';
import type { MergeCounts, RollStaging } from './staging.js';

export interface RollQuery {
  name?: string;
  dob?: string;
  voterId?: string;
  ballotId?: string;
  address?: string;
  limit?: number;
}

export interface RollStats {
  ballots: number;
  voters: number;
  elections: { electionId: string; ballots: number }[];
  byStatus: Record<string, number>;
  inPerson: number;
  withImb: number;
  imports: number;
  lastImport: { importId: number; finishedAt: string; file: string; format: string } | null;
}

/** A ballot_changes side: the columns a change touched, by name (json_object in staging.ts and state-change.ts). */
const ChangeValues = z.record(z.string(), z.unknown());

// The roll's store is one file per job (issue 13) with no barrel, so each import names the job it needs.
/** Roll queries: stats, the phone-inquiry search, a ballot's roll history. */
export class RollStore {
  private readonly loadTable;

  constructor(private readonly db: Db) {
    // Asked on every scan that finds nothing: prepared once.
    this.loadTable = db.prepare(LOAD_TABLE_EXISTS);
  }

  /** Records the import and merges the stage, all in one transaction. */
  commitImport(staging: RollStaging, meta: ImportMeta, onMerged: (importId: number, counts: MergeCounts) => void): MergeCounts & { importId: number } {
    return this.db
      .transaction(() => {
        const importId = Number(
          this.db
            .prepare(
              `INSERT INTO roll_imports (started_at, finished_at, file, format, operator, read, imported, updated, unchanged, rejected, rejects_file)
               VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?)`,
            )
            .run(meta.startedAt, meta.finishedAt, meta.file, meta.format, meta.operator, meta.read, meta.rejected, meta.rejectsFile).lastInsertRowid,
        );
        const counts = staging.merge(importId);
        this.db.prepare('UPDATE roll_imports SET imported = ?, updated = ?, unchanged = ? WHERE import_id = ?').run(counts.imported, counts.updated, counts.unchanged, importId);
        onMerged(importId, counts);
        return { ...counts, importId };
      })
      .immediate();
  }

  isEmpty(): boolean {
    return this.db.prepare('SELECT 1 FROM ballots LIMIT 1').get() === undefined;
  }

  /** Whether a first import is loading the roll (or was killed before it finished: the next import tidies up). */
  firstImportPending(): boolean {
    return this.loadTable.get() !== undefined;
  }

  stats(): RollStats {
    const one = <T>(sql: string): T => this.db.prepare<[], T>(sql).get() as T;
    const byStatus: Record<string, number> = {};
    for (const r of this.db.prepare<[], { status: string; n: number }>('SELECT status, count(*) AS n FROM ballots GROUP BY status').all())
      byStatus[r.status] = r.n;
    const last = this.db
      .prepare<[], { importId: number; finishedAt: string; file: string; format: string }>(
        'SELECT import_id AS importId, finished_at AS finishedAt, file, format FROM roll_imports ORDER BY import_id DESC LIMIT 1',
      )
      .get();
    return {
      ballots: one<{ n: number }>('SELECT count(*) AS n FROM ballots').n,
      voters: one<{ n: number }>('SELECT count(DISTINCT voter_id) AS n FROM ballots').n,
      elections: this.db
        .prepare<[], { electionId: string; ballots: number }>('SELECT election_id AS electionId, count(*) AS ballots FROM ballots GROUP BY election_id ORDER BY election_id')
        .all(),
      byStatus,
      inPerson: one<{ n: number }>("SELECT count(*) AS n FROM ballots WHERE vote_method = 'IN_PERSON'").n,
      withImb: one<{ n: number }>('SELECT count(*) AS n FROM ballots WHERE imb_serial IS NOT NULL').n,
      imports: one<{ n: number }>('SELECT count(*) AS n FROM roll_imports').n,
      lastImport: last ?? null,
    };
  }

  /**
   * The phone-inquiry search. Name is "LAST" or "LAST, FIRST" (prefixes, any case); every given
   * criterion must match. Returns whole voters: all their ballots, newest first.
   */
  find(q: RollQuery): BallotRow[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.ballotId) {
      where.push('ballot_id = ?');
      args.push(q.ballotId.trim());
    }
    if (q.voterId) {
      where.push('(voter_id = ? OR alt_voter_id = ?)');
      args.push(q.voterId.trim(), q.voterId.trim());
    }
    if (q.name) {
      const [last, first] = q.name.split(',').map((s) => s.trim());
      where.push("last_name LIKE ? ESCAPE '\\' COLLATE NOCASE");
      args.push(likePrefix(last ?? ''));
      if (first) {
        where.push("first_name LIKE ? ESCAPE '\\' COLLATE NOCASE");
        args.push(likePrefix(first));
      }
    }
    if (q.dob) {
      where.push('dob = ?');
      args.push(q.dob.trim());
    }
    if (q.address) {
      where.push("(res_address LIKE ? ESCAPE '\\' COLLATE NOCASE OR mail_address LIKE ? ESCAPE '\\' COLLATE NOCASE)");
      args.push(`%${escapeLike(q.address.trim())}%`, `%${escapeLike(q.address.trim())}%`);
    }
    if (where.length === 0) return [];
    const limit = Math.min(q.limit ?? 50, 500);
    // Find the voters first, then return every ballot of each (the reissue history).
    return this.db
      .prepare<(string | number)[], BallotRow>(
        `SELECT * FROM ballots WHERE voter_id IN (SELECT DISTINCT voter_id FROM ballots WHERE ${where.join(' AND ')} LIMIT ?)
         ORDER BY last_name, first_name, voter_id, coalesce(issued_at, '') DESC, id DESC`,
      )
      .all(...args, limit);
  }

  changesOf(ballotId: string): { importId: number; before: Record<string, unknown>; after: Record<string, unknown>; at: string }[] {
    return this.db
      .prepare<[string], { importId: number; before: string; after: string; at: string }>(
        `SELECT c.import_id AS importId, c.before, c.after, i.finished_at AS at FROM ballot_changes c
         JOIN roll_imports i ON i.import_id = c.import_id WHERE c.ballot_id = ? ORDER BY c.id`,
      )
      .all(ballotId)
      .map((r) => ({ importId: r.importId, at: r.at, before: ChangeValues.parse(JSON.parse(r.before)), after: ChangeValues.parse(JSON.parse(r.after)) }));
  }

  rejectsFileOf(importId: number): string | null {
    return this.db.prepare<[number], { f: string | null }>('SELECT rejects_file AS f FROM roll_imports WHERE import_id = ?').get(importId)?.f ?? null;
  }

  importOf(importId: number): { finishedAt: string; file: string } | undefined {
    return this.db.prepare<[number], { finishedAt: string; file: string }>('SELECT finished_at AS finishedAt, file FROM roll_imports WHERE import_id = ?').get(importId);
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function likePrefix(s: string): string {
  return `${escapeLike(s)}%`;
}
