/**
 * IV-MTR's JSON piece-scan file ("IV Mail Tracking & Reporting User Guide" V2.6, "JSON File"),
 * streamed: a JSON array of scan objects, or an object one of whose members is that array (as
 * the feeds wrap it, e.g. `{"events": [ … ]}`). Each scan object is cut out of the stream by its
 * braces (strings and escapes honoured) and parsed alone, so memory stays constant however large
 * the file, a broken object is rejected with the line it starts on, and the rest is read.
 */
import fs from 'node:fs';
import { fieldOf, MailFileError, type ParsedBatch, type RawRecord } from './layout.js';

export const MAX_RECORD = 64 * 1024;
const BATCH = 8192;


const OPEN_OBJ = 123; // {
const CLOSE_OBJ = 125; // }
const OPEN_ARR = 91; // [
const CLOSE_ARR = 93; // ]
const QUOTE = 34;
const BACKSLASH = 92;
const NEWLINE = 10;

function recordOf(json: string, lineNo: number): ParsedBatch[number] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    return { lineNo, error: `the scan object is not valid JSON: ${(e as Error).message}`, raw: json.slice(0, 500) };
  }
  return parsedFromObject(value, lineNo, json);
}

/**
 * One scan object already parsed (a JSON file's, or one the IV-MTR API returned) as a record for
 * the importer, by the same field names. `raw` is what the rejects file shows if it is refused.
 */
export function parsedFromObject(value: unknown, lineNo: number, raw: string): ParsedBatch[number] {
  const shown = raw.slice(0, 500);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { lineNo, error: 'not a scan object', raw: shown };
  const r: RawRecord = {};
  for (const [k, v] of Object.entries(value)) {
    const f = fieldOf(k);
    if (!f) continue;
    if (f === 'imb' && typeof v === 'number') return { lineNo, error: 'the IMb is a number, not text: its digits may be lost', raw: shown };
    if (typeof v === 'string') r[f] = v;
    else if (typeof v === 'number') r[f] = String(v);
    else if (v !== null) return { lineNo, error: `the field ${JSON.stringify(k)} is not text`, raw: shown };
  }
  return { lineNo, record: r, raw };
}

/** The scan objects of a JSON file, in batches. Throws MailFileError if the file is not JSON at all. */
export async function* readJson(source: string | NodeJS.ReadableStream): AsyncGenerator<ParsedBatch> {
  const stream = typeof source === 'string' ? fs.createReadStream(source, { highWaterMark: 64 * 1024 }) : source;
  stream.setEncoding('utf8');
  const stack: number[] = []; // open containers
  let inString = false;
  let escaped = false;
  let line = 1;
  let started = false;
  let recordDepth = -1; // stack length at which the current record's object opened; -1 outside one
  let recordLine = 0;
  let pieces: string[] = [];
  let size = 0;
  let tooLarge = false;
  let out: ParsedBatch = [];
  for await (const chunk of stream as AsyncIterable<string>) {
    let from = 0; // where the current record's text starts in this chunk
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) line += 1;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
        continue;
      }
      if (!started) {
        if (c === 0xfeff || c === 32 || c === 9 || c === 10 || c === 13) continue;
        if (c !== OPEN_ARR && c !== OPEN_OBJ) throw new MailFileError(`this file is not JSON: it starts with ${JSON.stringify(chunk.slice(i, i + 20))}`);
        started = true;
      }
      if (c === QUOTE) inString = true;
      else if (c === OPEN_OBJ || c === OPEN_ARR) {
        if (c === OPEN_OBJ && recordDepth < 0 && isRecordPlace(stack)) {
          recordDepth = stack.length;
          recordLine = line;
          from = i;
          pieces = [];
          size = 0;
          tooLarge = false;
        }
        stack.push(c);
      } else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        const open = stack.pop();
        if (open === undefined || (open === OPEN_OBJ) !== (c === CLOSE_OBJ)) {
          if (recordDepth >= 0) out.push({ lineNo: recordLine, error: `the JSON is broken at line ${line} (a closing ${String.fromCharCode(c)} does not match)`, raw: '' });
          else out.push({ lineNo: line, error: `the JSON is broken at line ${line} (a closing ${String.fromCharCode(c)} does not match): the rest of the file cannot be read`, raw: '' });
          yield out;
          return;
        }
        if (recordDepth >= 0 && stack.length === recordDepth) {
          const text = pieces.join('') + chunk.slice(from, i + 1);
          if (tooLarge || size + (i + 1 - from) > MAX_RECORD) out.push({ lineNo: recordLine, error: `the scan object is larger than ${MAX_RECORD / 1024} KiB`, raw: text.slice(0, 200) });
          else out.push(recordOf(text, recordLine));
          recordDepth = -1;
          pieces = [];
          if (out.length >= BATCH) {
            yield out;
            out = [];
          }
        }
      }
    }
    if (recordDepth >= 0) {
      // The record goes on in the next chunk: keep its text so far, unless it is already too large.
      const rest = chunk.slice(from);
      size += rest.length;
      if (size > MAX_RECORD) {
        tooLarge = true;
        pieces = [pieces.join('').slice(0, 200)];
      } else pieces.push(rest);
    }
  }
  if (!started) throw new MailFileError('this file is empty: there is no JSON in it');
  if (recordDepth >= 0) out.push({ lineNo: recordLine, error: 'the file ends inside this scan object (cut short?)', raw: pieces.join('').slice(0, 200) });
  else if (stack.length > 0 || inString) out.push({ lineNo: line, error: 'the file ends before its JSON is closed (cut short?)', raw: '' });
  yield out;
}

/** A scan object sits directly in the top-level array, or in an array that is a member of the top-level object. */
function isRecordPlace(stack: readonly number[]): boolean {
  if (stack.length === 1) return stack[0] === OPEN_ARR;
  return stack.length === 2 && stack[0] === OPEN_OBJ && stack[1] === OPEN_ARR;
}
