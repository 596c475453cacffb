/**
 * `intake mail …`: USPS mail tracking (docs/mail.md). Each subcommand is one line of MAIL_COMMANDS,
 * so more (fetch from the IV-MTR API, attention lists) join from files of their own.
 */
import { ServiceError } from '../../../shared/errors.js';
import { ballotMail, importMail } from '../../actions/mail.js';
import { MAIL_FORMATS, type MailFormat } from '../../mail/import.js';
import { cliActor } from '../actor.js';
import { CommandError, parse, printJson, UsageError, withStation, type Io } from '../context.js';

export type MailSubcommand = (io: Io, args: string[]) => Promise<number>;

const IMPORT_USAGE = `usage: intake mail import FILE --format ${MAIL_FORMATS.join('|')}`;
const STATUS_USAGE = 'usage: intake mail status BALLOT_ID';

/**
 * Imports one IV-MTR file (supervisor). Prints the summary as JSON on stdout and in plain words
 * on stderr; a malformed record is rejected with its line number into FILE.rejects.csv.
 */
async function mailImport(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { format: { type: 'string' }, operator: { type: 'string' } });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(IMPORT_USAGE);
  const format = values.format;
  if (!format) throw new UsageError(`--format is required: ${MAIL_FORMATS.join(' or ')}\n${IMPORT_USAGE}`);
  if (!(MAIL_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be ${MAIL_FORMATS.join(' or ')}, not ${JSON.stringify(format.slice(0, 40))}\n${IMPORT_USAGE}`);
  return withStation(io, values, async (station) => {
    const actor = await cliActor(io, station, 'mail.import', values.operator);
    try {
      const { words, ...summary } = await importMail(station, actor, { file, format: format as MailFormat });
      printJson(io, summary);
      io.stderr.write(`${words}\n`);
      return 0;
    } catch (e) {
      if (e instanceof ServiceError) throw new CommandError(e.message);
      throw e;
    }
  });
}

/** A ballot's mail status and its USPS scans, as JSON. */
async function mailStatus(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { operator: { type: 'string' } });
  const ballotId = positionals[0];
  if (!ballotId || positionals.length > 1) throw new UsageError(STATUS_USAGE);
  return withStation(io, values, async (station) => {
    const actor = await cliActor(io, station, 'mail.status', values.operator);
    try {
      printJson(io, ballotMail(station, actor, ballotId));
      return 0;
    } catch (e) {
      if (e instanceof ServiceError) throw new CommandError(e.message);
      throw e;
    }
  });
}

/** The latest imports with their counts (newest first), as JSON. */
async function mailImports(io: Io, args: string[]): Promise<number> {
  const { values } = parse(args, { limit: { type: 'string' }, operator: { type: 'string' } });
  const limit = Number(values.limit ?? '20');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be a whole number from 1 to 1000');
  return withStation(io, values, async (station) => {
    await cliActor(io, station, 'mail.status', values.operator);
    printJson(io, station.store.mail.imports(limit));
    return 0;
  });
}

/** The subcommands, by name: add a line (and a file of its own) for each new one. */
export const MAIL_COMMANDS: Record<string, () => Promise<MailSubcommand>> = {
  import: () => Promise.resolve(mailImport),
  status: () => Promise.resolve(mailStatus),
  imports: () => Promise.resolve(mailImports),
  fetch: async () => (await import('./mail-fetch.js')).mailFetchCommand,
  attention: async () => (await import('./mail-attention.js')).mailAttentionCommand,
};

export async function mailCommand(io: Io, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const load = sub !== undefined && Object.hasOwn(MAIL_COMMANDS, sub) ? MAIL_COMMANDS[sub] : undefined;
  if (!load) throw new UsageError(`unknown mail command ${JSON.stringify(sub ?? '')}: use ${Object.keys(MAIL_COMMANDS).join(', ')}`);
  return (await load())(io, rest);
}
