import { escapeForTerminal, escapeLinesForTerminal } from '../../shared/terminal.js';
import { asServiceError, stationFaultOf } from '../actions/faults.js';
import { StoreOpenError } from '../store/db.js';
import { CommandError, terminalIo, UsageError, type Io } from './context.js';

export const HELP = `intake — Ballot Intake Station command line

Usage: intake <command> [options]        (every command takes --db PATH; default: $INTAKE_DB,
                                           else the per-user app-data folder)
Roll
  roll import FILE --format station|nc-sbe|ga-sos [--map SRC=FIELD,...] [--election ID] [--encoding utf8|latin1|cp1252]
  roll stats
  roll find [--name "LAST[, FIRST]"] [--dob YYYY-MM-DD] [--voter-id ID] [--ballot-id ID] [--address TEXT]
  roll publish                     this station's roll to the county hub, in chunks (docs/county.md)
  roll pull [--force]              the county hub's newest roll into this one (rollSource county)
Barcodes
  decode [TEXT]                    one JSON result; without TEXT, one per stdin line (NDJSON)
  encode imb TRACKING [ROUTING]    prints the 65-bar FADT string
Intake
  scan --station NAME --operator NAME [--scanner NAME] [--keyed]
                                   scans from stdin, one per line; one NDJSON verdict per scan,
                                   printed only after its record is on disk
  scan --station NAME --operator NAME --serial PATH [--serial PATH…] [--baud N] [--terminator cr|lf|crlf|tab]
  scan --station NAME --operator NAME --hid VID:PID [--hid-mode pos|keyboard]
                                   the same verdicts from serial and USB HID scanners (two at once is
                                   fine: one queue); scanner status on stderr; stops on Ctrl-C
  scan undo SEQ --reason TEXT --operator NAME
  scanners list                    serial ports and HID devices, known scanner makers first
Batches and receipts
  batch open | close [BATCH] [--hand-count N] | list [--status open|closed] | show BATCH
  receipts export --format csv|json [--out FILE] [--batch BATCH]
Cure
  cure list [--state S] [--ballot ID]
  cure flag (--seq N | --ballot ID) --code CODE [--code CODE…] [--reason TEXT] --operator NAME
  cure notice (--case N… | --all-flagged) --out FILE.pdf [--csv FILE] [--language en|es] --operator NAME
  cure notice --case N --email ADDR [--language es] --operator NAME   queues an e-mail notice (outbox)
  cure send --operator NAME        sends queued e-mail notices, each exactly once (SMTP from config smtp)
  cure receive --case N --reason TEXT --operator NAME
  cure resolve --case N --to CURED|NOT_CURED|ACCEPTED|REJECTED --reason TEXT --operator NAME
  cure resolve --seq N --resolution WORD --reason TEXT --operator NAME   (a problem scan)
  cure expire --operator NAME       moves cases past their deadline to NOT_CURED
Signatures
  signatures import DIR|FILE [--layout vrsystems|index-csv] [--captured-on YYYY-MM-DD]
                                   the voters' signatures on file from the state's export (several per
                                   voter); unknown voters and bad images are listed, the rest imported
  signatures queue                 envelopes awaiting signature review, per level
  signatures agreement [--from D] [--to D] [--csv FILE]   the blind sample's agreement per reviewer and day
  signatures reviewer NAME --allow|--revoke [--party P]   who may review signatures (supervisors always)
Sync
  sync [--url URL] [--wait SECONDS] [--no-changes]   closed batches to the state API, exactly once, then
                                   the state's changes into the roll (token in INTAKE_SYNC_TOKEN)
  sync --dir PATH [--layout csv|florida]   the same batches as CSV files (+ .sha256) for states that take
                                   uploads, or Florida's daily county absentee-status file
  feed export [--since CURSOR] --format ndjson|ballottrax [--out FILE]
                                   every ballot status change since the cursor, for tracking services;
                                   the summary names the cursor to give next time
  sync status | requeue BATCH --reason TEXT --operator NAME
Envelope images
  images capture SEQ | attach SEQ FILE | list SEQ   an envelope's picture (SANE scanner images.device, or a
                                   file), grey WebP + the signature cut by the design's template
  images sorter [--folder DIR] | pending   one pass over the sorter folder (index CSV: docs/images.md);
                                   the images still waiting for their envelope's scan
  images templates | template DESIGN --rect X,Y,W,H [--sample FILE]   where the signature sits
  images purge --before DATE       removes image files captured before DATE (retention), audited
Mail tracking (USPS IV-MTR)
  mail import FILE --format ivmtr-delimited|ivmtr-json   USPS scan events, matched to ballots by IMb
                                   mailer ID + serial, each kept once; bad records to FILE.rejects.csv
  mail status BALLOT_ID            the ballot's mail status and its USPS scans (facility, time)
  mail imports [--limit N]         the latest mail imports and their counts
  mail fetch                       the same scans from the IV-MTR API for every ballot still in the mail
                                   (password in INTAKE_IVMTR_PASSWORD; fetching twice imports nothing new)
  mail attention --list no-scan|undeliverable|not-received [--days N | --hours N] [--csv FILE]
                                   a supervisor's list: no scan N days after issue, undeliverable, or
                                   scanned near the office but not received within N hours
Station
  operator add NAME --role clerk|supervisor | list | reset-pin NAME | disable NAME
                                   a supervisor's job; the new PIN is typed twice at a prompt (not
                                   echoed) or given on stdin, never as an argument
  config get [KEY] | set KEY VALUE | list
  audit verify                     exits 1 and names the first broken link of a tampered log
  audit export [--out FILE]        the log with its hash chain, for scripts/verify-audit.mjs (Node only)
  backup FILE                      an online, consistent copy of the database (scanning may go on)
  restore BACKUP [--verify]        verifies the backup (integrity + audit chain), then puts it in place;
                                   the current database is kept beside it as *.before-restore-*
  log tail [-n N] [--follow] [--json]   the station log: start-up, scanners, faults, imports, sync, notices
County hub (acts on the hub's PostgreSQL with its admin credentials, not on this station)
  hub init|migrate --url postgres://ADMIN@HOST:PORT/DB [--ca FILE]   schema, roles, migrations (idempotent)
  hub station add ID [--name TEXT] [--password-file FILE] --url …   a station's own role; its password is
                                   printed once (or written 0600 to the new FILE)
  hub station retire ID --url … | hub station list --url …
  hub images purge --before YYYY-MM-DD --url …   removes the hub's copies of pictures received before
                                   the day (the stations purge theirs), recorded in intake.image_purges
  hub status | push | pull [--batch N]   this station and its hub (config hub, hub.station, hub.ca; password
                                   in INTAKE_HUB_PASSWORD or hub.passwordFile): one round of what the
                                   running station (serve, scan) does by itself
App
  serve [--port N]                 the UI in a browser: binds 127.0.0.1, prints a URL with a one-run token

Once the station has operators, every command that reads voters' data or writes anything needs
--operator NAME (or INTAKE_OPERATOR) and that operator's PIN (INTAKE_PIN, or a prompt at a
terminal), and the role the app requires for the same action.
Environment: INTAKE_DB (database file), INTAKE_OPERATOR (default operator name), INTAKE_PIN (the
operator's PIN), INTAKE_SYNC_TOKEN (the state API token), INTAKE_SMTP_PASS (the SMTP password,
kept out of the database), INTAKE_HUB_ADMIN_PASSWORD (the hub admin's password), INTAKE_HUB_ADMIN_URL
and INTAKE_HUB_CA (defaults for --url and --ca of the hub admin commands), INTAKE_HUB_PASSWORD (this
station's own hub password; INTAKE_HUB_TIMEOUT_MS how long a silent hub is waited for).
Exit codes: 0 ok, 1 failed (reason on stderr), 2 usage error.`;

type Command = (io: Io, args: string[]) => number | Promise<number>;

/** Commands load on demand: `intake decode` need not load the PDF, SMTP and HTTP stacks. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  roll: async () => (await import('./commands/roll.js')).rollCommand,
  decode: async () => (await import('./commands/barcode.js')).decodeCommand,
  encode: async () => (await import('./commands/barcode.js')).encodeCommand,
  scan: async () => (await import('./commands/scan.js')).scanCommand,
  config: async () => (await import('./commands/config.js')).configCommand,
  batch: async () => (await import('./commands/batch.js')).batchCommand,
  receipts: async () => (await import('./commands/receipts.js')).receiptsCommand,
  audit: async () => (await import('./commands/audit.js')).auditCommand,
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  cure: async () => (await import('./commands/cure.js')).cureCommand,
  sync: async () => (await import('./commands/sync.js')).syncCommand,
  feed: async () => (await import('./commands/feed.js')).feedCommand,
  scanners: async () => (await import('./commands/scanners.js')).scannersCommand,
  backup: async () => (await import('./commands/backup.js')).backupCommand,
  restore: async () => (await import('./commands/backup.js')).restoreCommand,
  operator: async () => (await import('./commands/operator.js')).operatorCommand,
  log: async () => (await import('./commands/log.js')).logCommand,
  hub: async () => (await import('./commands/hub.js')).hubCommand,
  images: async () => (await import('./commands/images.js')).imagesCommand,
  signatures: async () => (await import('./commands/signatures.js')).signaturesCommand,
  mail: async () => (await import('./commands/mail.js')).mailCommand,
};

export async function main(argv: string[], rawIo: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }): Promise<number> {
  const io = terminalIo(rawIo);
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${HELP}\n`);
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`intake: unknown command ${escapeForTerminal(name)}\n\n${HELP}\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  try {
    const command = await load();
    return await command(io, args);
  } catch (e) {
    return failure(io, name, e);
  }
}

/** Every failure as one line on stderr (escaped: a server's or a file's text cannot drive the terminal) and its exit code. */
function failure(io: Io, name: string, e: unknown): number {
  const say = (text: string) => io.stderr.write(`intake ${name}: ${escapeForTerminal(text)}\n`);
  if (e instanceof UsageError) {
    // A command's usage is several lines: printed line by line, so its line breaks survive while
    // every other control character (a carriage return, an escape) is still escaped on each line.
    io.stderr.write(`intake ${name}: ${e.message.split('\n').map(escapeForTerminal).join('\n')}\n`);
    io.stderr.write('(see intake --help)\n');
    return 2;
  }
  const fault = stationFaultOf(e);
  // Said once, plainly, and the command stops: a clerk must not keep feeding envelopes.
  if (fault !== null) {
    say(e instanceof StoreOpenError ? fault : `STOPPED — ${fault}`);
    return 1;
  }
  const known = e instanceof CommandError ? e : asServiceError(e);
  if (known) {
    say(known.message);
    return 1;
  }
  const err = e as Error;
  io.stderr.write(`intake ${name}: unexpected error: ${escapeLinesForTerminal(err.stack ?? err.message)}\n`);
  return 1;
}

