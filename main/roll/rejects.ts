import { once } from 'node:events';
import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../csv/safe.js';
import { openPrivateSync } from '../store/private-file.js';

/**
 * The rejected rows of an import, beside the input: row number, reason, the row as read. The
 * file is created on the first reject only (owner-only: rows hold voters' data), and every
 * cell is neutralised against formula injection before a clerk opens it in a spreadsheet.
 */
export class RejectsWriter {
  private out: fs.WriteStream | null = null;
  private n = 0;

  /** `header: false`: rows only (a part of a file's rejects, for another writer's `append`). */
  constructor(
    readonly path: string,
    private readonly header = true,
  ) {}

  get count(): number {
    return this.n;
  }

  private opened(): fs.WriteStream {
    if (!this.out) {
      this.out = fs.createWriteStream(this.path, { fd: openPrivateSync(this.path) });
      if (this.header) this.out.write(stringify([['row', 'reason', 'raw']]));
    }
    return this.out;
  }

  add(rowNo: number, reason: string, raw: string): void {
    this.n += 1;
    this.opened().write(stringify([[String(rowNo), neutraliseCell(reason), neutraliseCell(raw)]]));
  }

  /** The rows of `part` (made with `header: false`) after this writer's, its file then removed. */
  async append(part: RejectsWriter): Promise<void> {
    await part.close();
    if (part.count === 0) return;
    const out = this.opened();
    for await (const bytes of fs.createReadStream(part.path)) if (!out.write(bytes)) await once(out, 'drain');
    this.n += part.count;
    fs.rmSync(part.path, { force: true });
  }

  /** Closes the file and removes it (a part of a failed import). */
  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    try {
      fs.rmSync(this.path, { force: true });
    } catch {
      // left behind: the import's own error is the one to tell
    }
  }

  async close(): Promise<void> {
    const out = this.out;
    if (!out) return;
    this.out = null;
    await new Promise<void>((resolve, reject) => {
      out.on('error', reject);
      out.end(() => resolve());
    });
  }
}
