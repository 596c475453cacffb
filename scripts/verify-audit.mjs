#!/usr/bin/env node
// Verifies an audit log exported by `intake audit export`, with nothing but Node (18 or later):
//
//   node verify-audit.mjs station-audit.ndjson [--head HASH]
//
// Recomputes every entry's SHA-256 from its fields and the previous entry's hash, checks the
// sequence has no gap, and checks the last hash and the count against the file's header. With
// --head, also checks the log ends at a head hash known from elsewhere (the `head` that
// `intake audit verify` printed at the end of a day and the office kept on paper or published):
// that is what catches a log cut short and given a new header.
// Exit 0: intact (a summary on stdout). Exit 1: the first broken entry, named, on stderr.
// Exit 2: the file cannot be read as an export. The format is described in docs/audit.md.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const FORMAT = 'ballot-intake-station/audit-log';
const GENESIS = '0'.repeat(64);
const US = '\u001f';

function usage(message) {
  process.stderr.write(`${message}\nusage: node verify-audit.mjs EXPORT.ndjson [--head HASH]\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const headAt = args.indexOf('--head');
const knownHead = headAt >= 0 ? args[headAt + 1] : undefined;
// The file is the one argument that is neither an option nor --head's value, wherever it stands.
const files = args.filter((a, i) => !a.startsWith('--') && !(headAt >= 0 && i === headAt + 1));
const unknown = args.filter((a) => a.startsWith('--') && a !== '--head');
if (unknown.length > 0) usage(`unknown option ${unknown[0]}`);
if (files.length !== 1) usage(files.length === 0 ? 'name the exported file' : 'name one exported file');
const file = files[0];
if (headAt >= 0 && !/^[0-9a-f]{64}$/.test(knownHead ?? '')) usage('--head takes a 64-digit hex SHA-256');

function broken(seq, why) {
  process.stderr.write(`BROKEN at entry ${seq}: ${why}\n`);
  process.exit(1);
}

function hashOf(e) {
  const fields = [e.prev_hash, e.seq, e.at, e.actor, e.action, e.entity, e.entity_id ?? '', e.before ?? '', e.after ?? ''];
  return createHash('sha256').update(fields.join(US), 'utf8').digest('hex');
}

const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }).on('error', (e) => usage(`cannot read ${file}: ${e.message}`)), crlfDelay: Infinity });

let header = null;
let prev = GENESIS;
let expected = 1;
let count = 0;
let lineNo = 0;
for await (const line of lines) {
  lineNo += 1;
  if (line.trim() === '') continue;
  let value;
  try {
    value = JSON.parse(line);
  } catch {
    if (header === null) usage(`${file} is not an audit export (line 1 is not JSON)`);
    broken(expected, `line ${lineNo} is not JSON`);
  }
  if (header === null) {
    if (value?.format !== FORMAT || value.version !== 1) usage(`${file} is not an audit export of format ${FORMAT} version 1`);
    header = value;
    continue;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) broken(expected, `line ${lineNo} is not an entry (not a JSON object)`);
  const e = value;
  for (const k of ['seq', 'at', 'actor', 'action', 'entity', 'prev_hash', 'hash'])
    if (e[k] === undefined || e[k] === null) broken(e.seq ?? expected, `line ${lineNo} lacks the field ${k}`);
  if (e.seq !== expected)
    broken(
      expected,
      typeof e.seq === 'number' && e.seq > expected
        ? `entry ${expected} is missing or out of order (line ${lineNo} holds entry ${e.seq} where entry ${expected} belongs)`
        : `line ${lineNo} holds entry ${JSON.stringify(e.seq)} where entry ${expected} belongs (repeated, out of order or altered)`,
    );
  if (e.prev_hash !== prev) broken(e.seq, `it does not follow entry ${e.seq - 1}: its prev_hash is not that entry's hash`);
  if (hashOf(e) !== e.hash) broken(e.seq, 'its contents were changed: the hash does not match them');
  prev = e.hash;
  expected += 1;
  count += 1;
}

if (header === null) usage(`${file} is empty`);
if (count !== header.entries) broken(expected, `the header says ${header.entries} entries, the file holds ${count} (entries were removed at the end, or added)`);
if (prev !== header.head) broken(count, `the last entry's hash is not the head the header names (${header.head})`);
if (knownHead && prev !== knownHead) broken(count, `the log does not end at the head you gave (${knownHead}); it ends at ${prev}`);

process.stdout.write(
  `${JSON.stringify({ ok: true, station: header.station, exportedAt: header.exportedAt, entries: count, head: prev, checkedAgainstKnownHead: Boolean(knownHead) })}\n`,
);
