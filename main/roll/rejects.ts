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

  constructor(readonly path: string) {}

  get count(): number {
    return this.n;
  }

  add(rowNo: number, reason: string, raw: string): void {
    if (!this.out) {
      this.out = fs.createWriteStream(this.path, { fd: openPrivateSync(this.path) });
      this.out.write(stringify([['row', 'reason', 'raw']]));
    }
    this.n += 1;
    this.out.write(stringify([[String(rowNo), neutraliseCell(reason), neutraliseCell(raw)]]));
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
