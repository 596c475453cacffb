import { loadProfile } from '../../cure/profiles.js';
import { writeFileAtomic } from '../../sync/files.js';
import { ballotTraxFeed, feedPage } from '../../sync/tracking.js';
import { terminalSafeJson } from '../../../shared/terminal.js';
import { cliActor } from '../actor.js';
import { CommandError, parse, UsageError, withStation, type Io } from '../context.js';

const USAGE = 'usage: intake feed export [--since CURSOR] --format ndjson|ballottrax [--out FILE]';

/**
 * The ballot-tracking feed for voter-notification services: every status change since a cursor
 * (NDJSON, one event a line), or the BallotTrax ballot-status file of the ballots that changed.
 * The data goes to --out (owner-only, written atomically) or stdout; a summary with the cursor
 * to give as --since next time goes to stdout with --out, else to stderr:
 * `{"format","events"|"ballots","since","cursor"[,"file"]}`.
 */
export async function feedCommand(io: Io, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'export') throw new UsageError(USAGE);
  const { values } = parse(rest, { since: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, operator: { type: 'string' } });
  const sinceText = values.since ?? '0';
  if (!/^\d{1,15}$/.test(sinceText)) throw new UsageError(`--since must be a cursor printed by an earlier export (a whole number), not ${JSON.stringify(sinceText.slice(0, 40))}`);
  const since = Number(sinceText);
  const format = values.format ?? 'ndjson';
  if (format !== 'ndjson' && format !== 'ballottrax') throw new UsageError(`--format must be ndjson or ballottrax\n${USAGE}`);
  return withStation(io, values, async (station) => {
    await cliActor(io, station, 'feed.export', values.operator);
    const { store } = station;
    // A cursor from another station's database, or from before a restore, would skip every
    // change up to it without a word: refuse it.
    const last = store.feed.lastCursor();
    if (since > last)
      throw new UsageError(`--since ${since} is past the end of this station's log (the newest cursor is ${last}): was it printed by another station, or before a restore?`);
    let data: string;
    let summary: Record<string, unknown>;
    if (format === 'ndjson') {
      const page = feedPage(store, since);
      data = page.events.map((e) => `${terminalSafeJson(e)}\n`).join('');
      summary = { format, events: page.events.length, since, cursor: page.cursor };
    } else {
      const profile = loadProfile(store.config.get('stateProfile') ?? 'generic');
      if (!profile.ok) throw new CommandError(`state profile: ${profile.error}`);
      const file = ballotTraxFeed(store, since, profile.value);
      data = file.csv;
      summary = { format, ballots: file.ballots, since, cursor: file.cursor };
    }
    if (values.out) {
      await writeFileAtomic(values.out, data, { mode: 0o600 });
      io.stdout.write(`${JSON.stringify({ ...summary, file: values.out })}\n`);
    } else {
      io.stdout.write(data);
      io.stderr.write(`${JSON.stringify(summary)}\n`);
    }
    return 0;
  });
}
