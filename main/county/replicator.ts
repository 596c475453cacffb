import { oplog } from '../oplog/index.js';
import type { PulledRow } from '../store/county.js';
import type { Store } from '../store/store.js';
import { readerOver } from './hub-reader.js';
import { applyCountyResolutions } from './resolutions.js';
import { newImageProgress, pushImages } from './images.js';
import { followCountyRoll } from './roll.js';
import { hubErrorWords, hubTarget, PushRefused, refusesEntries, type HubTarget } from './connection.js';
import { hubLinkNice, hubLinkWorker, LinkThread, openHubLink, type HubLink } from './hub-link.js';

/**
 * The station side of the county hub (docs/county.md). The station's SQLite file stays its
 * journal: a scan is decided and committed locally and never waits for this. Replication then
 * PUSHES the hash-chained audit log to the hub in seq order (`intake.push`, idempotent per
 * (station, seq): a retry after a lost answer changes nothing), and PULLS other stations'
 * receipts, undos and conflicts (`intake.pull` after a hub cursor) into county_receipts, which
 * the scan decision reads. One connection, one loop: woken by each local commit, by the hub's
 * NOTIFY, and by a timer; with a capped, jittered backoff while the hub is down.
 */
export interface ReplicatorOptions {
  /** Entries per push (and rows per pull). */
  batch?: number;
  /** The timer that pushes and pulls even without a wake-up (pulls every 2 × pollMs). */
  pollMs?: number;
  /** Least time between two pushes (a burst of commits is one push; default 200 ms). */
  pushGapMs?: number;
  /** Least time between two pulls (a burst of NOTIFYs is one pull; default 500 ms). */
  pullGapMs?: number;
  /** Least time between two asks for resolutions made elsewhere, unless a pull brought an undo, conflict or resolution (default 1 s). */
  resolutionsGapMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** How often an entry the hub refused is offered again (default 15 s): some refusals clear by themselves. */
  refusedRetryMs?: number;
  clock?: () => Date;
  env?: NodeJS.ProcessEnv;
  /** The hub link's worker script (hub-link.ts): by default the compiled one when built; null keeps the link on this thread. */
  linkWorker?: URL | null;
  /** Test hook: called after each round with what it did. */
  onRound?: (r: RoundResult) => void;
}

export interface RoundResult {
  pushed: number;
  pulled: number;
  acknowledgedThrough: number;
  pullCursor: number;
}

export interface CountyStatus {
  configured: boolean;
  hub: string | null;
  stationId: string | null;
  connected: boolean;
  localHead: number;
  pushedThrough: number;
  /** Entries recorded here the hub has not acknowledged yet. */
  waiting: number;
  /** How long the oldest of them has waited, in seconds (null when none wait). */
  lagSeconds: number | null;
  pullCursor: number;
  countyReceipts: number;
  openConflicts: number;
  lastPushAt: string | null;
  lastPullAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

/** The hub's answers, checked: a confused hub must not move the cursors anywhere strange. */
function ackOf(value: unknown): number {
  const v = value && typeof value === 'object' ? (value as Record<string, unknown>)['acknowledgedThrough'] : undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new Error(`the hub answered a push without a usable acknowledgement (${JSON.stringify(value)?.slice(0, 200)})`);
  return n;
}

function pulledRow(r: Record<string, unknown>): PulledRow {
  const s = (k: string): string | null => {
    const v = r[k];
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : null;
  };
  const body = typeof r['body'] === 'string' ? (JSON.parse(r['body']) as unknown) : r['body'];
  const kind = String(r['kind']);
  if (kind !== 'receipt' && kind !== 'undo' && kind !== 'conflict' && kind !== 'resolution') throw new Error(`the hub sent a row of unknown kind ${kind}`);
  return {
    hubSeq: Number(r['hub_seq']),
    stationId: String(r['station_id']),
    localSeq: Number(r['local_seq']),
    kind,
    ballotId: s('ballot_id'),
    voterId: s('voter_id'),
    electionId: s('election_id'),
    verdict: s('verdict'),
    stationTime: s('station_time'),
    body: body && typeof body === 'object' ? (body as Record<string, unknown>) : null,
  };
}

/**
 * One push of everything not yet acknowledged, in pages; returns how many entries went. When the
 * hub refuses an entry (PushRefused), the entries before it are pushed first, one at a time: the
 * refusal of one entry refuses its whole page, and those before it owe the county nothing.
 */
export async function pushPending(store: Store, client: HubLink, batch: number, clock: () => Date): Promise<{ pushed: number; acknowledgedThrough: number }> {
  let pushed = 0;
  // After a refused page: one entry at a time through the end of that page.
  let singlyThrough = 0;
  for (;;) {
    const from = store.county.state().pushedThrough;
    const rows = store.county.entriesAfter(from, from < singlyThrough ? 1 : batch);
    if (rows.length === 0) return { pushed, acknowledgedThrough: from };
    let res;
    try {
      res = await client.query<{ r: unknown }>('SELECT intake.push($1::jsonb) AS r', [JSON.stringify(rows)]);
    } catch (e) {
      // A gap: the hub holds less than it once acknowledged (restored from a backup). Ask it how
      // far it holds this station's log and push again from there.
      if ((e as { code?: string }).code === 'IH011') {
        const who = await client.query<{ w: unknown }>('SELECT intake.whoami() AS w');
        const held = ackOf(who.rows[0]?.w);
        if (held >= from) throw e;
        store.county.rewindPush(held);
        continue;
      }
      // Anything but a refusal of what the push carries is an error of the link or the station.
      if (!refusesEntries(e)) throw e;
      if (rows.length > 1) {
        singlyThrough = rows.at(-1)?.seq ?? from;
        continue;
      }
      throw new PushRefused(rows[0]?.seq ?? from + 1, e as { code?: string; message?: string; hint?: string }, pushed);
    }
    const ack = ackOf(res.rows[0]?.r);
    const last = rows.at(-1)?.seq ?? from;
    // The hub may hold more than we sent (a push whose answer was lost): never more than we have.
    store.county.acknowledge(Math.min(ack, Math.max(last, from)), clock().toISOString());
    pushed += rows.length;
    if (ack < last) throw new Error(`the hub acknowledged only through entry ${ack} of ${last}`);
  }
}

/** Pulls every new county row in pages; returns how many rows arrived and the new cursor. */
export async function pullPending(store: Store, client: HubLink, stationId: string, batch: number, clock: () => Date): Promise<{ pulled: number; cursor: number; conflicts: PulledRow[]; notReceipts: number }> {
  let pulled = 0;
  let notReceipts = 0;
  const conflicts: PulledRow[] = [];
  for (;;) {
    const cursor = store.county.state().pullCursor;
    const res = await client.query<Record<string, unknown>>('SELECT * FROM intake.pull($1::bigint, $2::int)', [cursor, batch]);
    const rows = res.rows.map(pulledRow);
    if (rows.length === 0) return { pulled, cursor, conflicts, notReceipts };
    store.county.applyPulled(rows, stationId, clock().toISOString());
    conflicts.push(...rows.filter((r) => r.kind === 'conflict'));
    notReceipts += rows.filter((r) => r.kind !== 'receipt').length;
    pulled += rows.length;
    if (rows.length < batch) return { pulled, cursor: store.county.state().pullCursor, conflicts, notReceipts };
  }
}

export class Replicator {
  private client: HubLink | null = null;
  /** The hub connection's own thread, kept across reconnects (undefined until the first connect; null: none). */
  private linkThread: LinkThread | null | undefined = undefined;
  /** Test hook: how many link threads this replicator has started. */
  get linkThreadsStarted(): number {
    return this.linkThread?.started ?? 0;
  }
  private target: HubTarget | null = null;
  private stopped = false;
  private connected = false;
  private attempt = 0;
  private wakeResolve: (() => void) | null = null;
  private wanted = { push: true, pull: true };
  private loop: Promise<void> | null = null;
  private readonly batch: number;
  private readonly pollMs: number;
  private readonly clock: () => Date;
  /** How far this station's image files have been sent (docs/county.md "Envelope images"). */
  private readonly images = newImageProgress();
  private imageProblem: string | null = null;
  /** The hub's refusal of one of this station's entries, in words, while it lasts; and when to offer it again. */
  private refusal: string | null = null;
  private pushRetryAt = 0;

  constructor(
    private readonly store: Store,
    private readonly opts: ReplicatorOptions = {},
  ) {
    this.batch = opts.batch ?? 500;
    this.pollMs = opts.pollMs ?? 1000;
    this.clock = opts.clock ?? (() => new Date());
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
  }

  /** After a local commit: push soon. Cheap and synchronous (the scan path calls it). */
  wake(): void {
    this.want('push');
  }

  /**
   * Asks the loop for a push or a pull. Only the first ask after that direction last ran wakes
   * the loop: once the flag is set, the loop's next sleep already ends when that direction's gap
   * does. So ten commits a second are one wake-up, not ten, and so are the NOTIFYs every push at
   * the hub sends every station (with 20 stations, 100 a second).
   */
  private want(direction: 'push' | 'pull'): void {
    if (this.wanted[direction]) return;
    this.wanted[direction] = true;
    this.wakeResolve?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeResolve?.();
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
    await this.loop;
    this.loop = null;
    await this.linkThread?.end();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wakeResolve = done;
    }).then(() => {
      this.wakeResolve = null;
    });
  }

  /**
   * One loop for both directions. Pushes go at most every pushGapMs and pulls every pullGapMs:
   * with many stations each push NOTIFYs every other station, so pulls are coalesced (a burst of
   * notifications is one pull) and the hub's load grows with the scan rate, not its square.
   */
  private async run(): Promise<void> {
    let lastPull = 0;
    let lastPush = 0;
    let lastResolutions = 0;
    // A station's replication shares its thread (and, in the county benchmark, two cores) with its
    // scans: these gaps keep it to ~5 pushes and ~2 pulls a second under load (BENCHMARKS.md).
    const pushGap = this.opts.pushGapMs ?? 200;
    const pullGap = this.opts.pullGapMs ?? 500;
    const resolutionsGap = this.opts.resolutionsGapMs ?? 1000;
    while (!this.stopped) {
      try {
        const client = this.client ?? (await this.connect());
        let now = Date.now();
        const behind = () => this.wanted.push || this.store.county.auditHead() > this.store.county.state().pushedThrough;
        let pushed = 0;
        if (behind() && now - lastPush >= pushGap && now >= this.pushRetryAt) {
          this.wanted.push = false;
          lastPush = now;
          pushed = await this.push(client);
        }
        await this.pushImageFiles(client);
        let pulled = 0;
        now = Date.now();
        if ((this.wanted.pull && now - lastPull >= pullGap) || now - lastPull >= this.pollMs * 2) {
          this.wanted.pull = false;
          lastPull = now;
          const r = await pullPending(this.store, client, this.target?.stationId ?? '', this.batch, this.clock);
          pulled = r.pulled;
          for (const c of r.conflicts) oplog.event(this.store, 'county.conflict', 'failure', `the county hub found ballot ${c.ballotId ?? '?'} received at two stations while apart (hub row ${c.hubSeq}): it is in the review queue`);
          // Resolutions other stations' supervisors made of this station's problems (main/county/resolutions.ts):
          // asked at once when the pull brought anything but receipts, else at most every resolutionsGap.
          if (r.notReceipts > 0 || now - lastResolutions >= resolutionsGap) {
            lastResolutions = now;
            await applyCountyResolutions(this.store, readerOver(client, this.target?.stationId ?? ''), this.clock);
          }
          followCountyRoll(this.store, readerOver(client, this.target?.stationId ?? ''), (e) => oplog.event(this.store, 'import.failed', 'failure', `the county roll could not be pulled: ${(e as Error).message}`));
        }
        this.attempt = 0;
        const st = this.store.county.state();
        this.opts.onRound?.({ pushed, pulled, acknowledgedThrough: st.pushedThrough, pullCursor: st.pullCursor });
        now = Date.now();
        // Commits outside Store.write (settings, sync, roll imports) wake nothing: the timer finds them within pollMs.
        let wait = Math.min(this.pollMs, Math.max(0, lastPull + this.pollMs * 2 - now));
        if (behind()) wait = Math.min(wait, Math.max(0, Math.max(lastPush + pushGap, this.pushRetryAt) - now));
        if (this.wanted.pull) wait = Math.min(wait, Math.max(0, lastPull + pullGap - now));
        if (wait > 0 && !this.stopped) await this.sleep(wait);
      } catch (e) {
        if (this.stopped) break;
        await this.failed(e);
      }
    }
  }

  /**
   * Pushes what waits. A refusal by the hub of one of this station's entries is no lost link: the
   * connection stays, pulls go on (this station still hears of the county's receipts), the status
   * line says which entry and why, the station log says it once (not once per retry), and the
   * entry is offered again every refusedRetryMs (a scan the hub did not hold yet, or a hub not yet
   * migrated, clears by itself). Its return is said once too.
   */
  private async push(client: HubLink): Promise<number> {
    try {
      const r = await pushPending(this.store, client, this.batch, this.clock);
      if (this.refusal !== null) {
        this.refusal = null;
        oplog.event(this.store, 'county.connected', 'success', `the county hub took this station's entries again (through entry ${r.acknowledgedThrough})`);
      }
      return r.pushed;
    } catch (e) {
      if (!(e instanceof PushRefused)) throw e;
      const words = hubErrorWords(e, this.target);
      this.store.county.recordError(words, this.clock().toISOString());
      if (words !== this.refusal) oplog.event(this.store, 'county.push_refused', 'failure', words);
      this.refusal = words;
      this.pushRetryAt = Date.now() + (this.opts.refusedRetryMs ?? 15_000);
      return e.pushed;
    }
  }

  /**
   * After the entries, the image files they name (bounded per round, main/county/images.ts). A
   * file altered on disk is not sent: said in the status line (each round, as a push clears the
   * last error) and once in the station log.
   */
  private async pushImageFiles(client: HubLink): Promise<void> {
    const st = this.store.county.state();
    if (this.images.through >= st.pushedThrough && this.images.altered.size === 0) return;
    const r = await pushImages(this.store, client, st.pushedThrough, this.images);
    const words = r.problems[0] ? (r.problems.length > 1 ? `${r.problems[0]} (and ${r.problems.length - 1} more)` : r.problems[0]) : null;
    if (words) {
      this.store.county.recordError(words, this.clock().toISOString());
      if (words !== this.imageProblem) oplog.event(this.store, 'county.image_refused', 'failure', words);
    }
    this.imageProblem = words;
  }

  private async connect(): Promise<HubLink> {
    this.target = hubTarget(this.store, this.opts.env ?? process.env);
    if (!this.target) throw new Error('this station has no county hub configured (intake config set hub …)');
    // On a thread of its own, when built (hub-link.ts).
    const env = this.opts.env ?? process.env;
    if (this.linkThread === undefined) {
      const url = this.opts.linkWorker === undefined ? hubLinkWorker(env) : this.opts.linkWorker;
      this.linkThread = url ? new LinkThread(url, hubLinkNice(env)) : null;
    }
    const client = await openHubLink(this.target.client, 'intake_county', () => this.want('pull'), this.linkThread);
    this.client = client;
    this.wanted = { push: true, pull: true };
    if (!this.connected) oplog.event(this.store, 'county.connected', 'success', `connected to the county hub ${new URL(this.target.url).host} as station ${this.target.stationId}`);
    this.connected = true;
    return client;
  }

  private async failed(e: unknown): Promise<void> {
    const words = hubErrorWords(e, this.target);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
    const was = this.connected;
    this.connected = false;
    const prior = this.store.county.state().lastError;
    try {
      this.store.county.recordError(words, this.clock().toISOString());
    } catch {
      // the database is busy or faulted: the status line says so next round
    }
    // Said once per change, not once per retry: a hub down all night is one line, not thousands.
    if (was || prior !== words) oplog.event(this.store, 'county.disconnected', 'failure', words);
    const base = this.opts.backoffBaseMs ?? 250;
    // 2 s: a link back after a partition is used within 2 s (1 s, on average, from a random moment),
    // and a hub that is down sees one TLS handshake per station every 1-2 s.
    const cap = this.opts.backoffCapMs ?? 2_000;
    const ceiling = Math.min(cap, base * 2 ** Math.min(this.attempt, 20));
    this.attempt += 1;
    await this.sleep(Math.max(50, Math.floor(ceiling * (0.5 + Math.random() * 0.5))));
  }

  status(): CountyStatus {
    return countyStatus(this.store, this.connected, this.clock);
  }
}

/** The replication status from the database (and whether a running replicator is connected). */
export function countyStatus(store: Store, connected: boolean, clock: () => Date = () => new Date()): CountyStatus {
  const st = store.county.state();
  const head = store.county.auditHead();
  const oldest = head > st.pushedThrough ? store.county.entriesAfter(st.pushedThrough, 1)[0] : undefined;
  const counts = store.county.counts();
  return {
    configured: store.config.get('hub') !== undefined,
    hub: store.config.get('hub') ?? null,
    stationId: store.config.get('hub.station') ?? null,
    connected,
    localHead: head,
    pushedThrough: st.pushedThrough,
    waiting: Math.max(0, head - st.pushedThrough),
    lagSeconds: oldest ? Math.max(0, Math.round((clock().getTime() - Date.parse(oldest.at)) / 100) / 10) : null,
    pullCursor: st.pullCursor,
    countyReceipts: counts.receipts,
    openConflicts: counts.openConflicts,
    lastPushAt: st.lastPushAt,
    lastPullAt: st.lastPullAt,
    lastError: st.lastError,
    lastErrorAt: st.lastErrorAt,
  };
}
