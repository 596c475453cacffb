/**
 * A file's lines, streamed in batches with their numbers, in constant memory: a line longer
 * than MAX_LINE is not kept (a state-sized feed file must not be read whole because one line
 * has no end) but reported, with its number, and reading goes on at the next line.
 */
import fs from 'node:fs';

export const MAX_LINE = 64 * 1024;
/** Lines per batch handed to the importer (one write transaction's worth, or part of one). */
export const BATCH_LINES = 8192;

/** A line's text without the CR of a CRLF ending (its LF is already gone). */
export const withoutCr = (text: string): string => (text.endsWith('\r') ? text.slice(0, -1) : text);

export type Line = { lineNo: number; text: string } | { lineNo: number; tooLong: true; start: string };

export async function* readLines(source: string | NodeJS.ReadableStream, batchLines = BATCH_LINES): AsyncGenerator<Line[]> {
  const stream = typeof source === 'string' ? fs.createReadStream(source, { highWaterMark: 64 * 1024 }) : source;
  stream.setEncoding('utf8');
  let carry = '';
  let skipping = false; // inside a line already reported as too long
  let skipStart = '';
  let lineNo = 0;
  let batch: Line[] = [];
  for await (const chunk of stream as AsyncIterable<string>) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      if (nl < 0) break;
      lineNo += 1;
      const piece = chunk.slice(from, nl);
      from = nl + 1;
      if (skipping) {
        batch.push({ lineNo, tooLong: true, start: skipStart });
        skipping = false;
      } else {
        const whole = carry ? carry + piece : piece;
        carry = '';
        if (whole.length > MAX_LINE) batch.push({ lineNo, tooLong: true, start: whole.slice(0, 200) });
        else batch.push({ lineNo, text: withoutCr(whole) });
      }
      if (batch.length >= batchLines) {
        yield batch;
        batch = [];
      }
    }
    if (!skipping) {
      carry += chunk.slice(from);
      if (carry.length > MAX_LINE) {
        skipping = true;
        skipStart = carry.slice(0, 200);
        carry = '';
      }
    }
  }
  if (skipping) batch.push({ lineNo: lineNo + 1, tooLong: true, start: skipStart });
  else if (carry.length > 0) batch.push({ lineNo: lineNo + 1, text: withoutCr(carry) });
  if (batch.length > 0) yield batch;
}
