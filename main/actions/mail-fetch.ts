import { ServiceError } from '../../shared/errors.js';
import { fetchMailEvents, LATE_SCAN_OVERLAP_MS, type FetchReport } from '../mail/fetch.js';
import { fetchSink, lastCompleteFetch } from '../mail/fetch-store.js';
import { queued, takeMailLock } from '../mail/import.js';
import { mailEventWriter, recoverMailLoad, type MailEventWriter } from '../store/mail-load.js';
import { oplog } from '../oplog/index.js';
import { authorize, type ActionContext, type Actor } from './context.js';
import { mailStatusOptions } from './mail.js';

/** The scope the IV-MTR API Developer Toolkit v2.5 gives for its web services (§3.1). */
const IVMTR_SCOPE = 'user.info.ereg,iv1.apis';

export interface MailFetchInput {
  /** Tests: a shorter sleep, a fixed random source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onPage?: (r: FetchReport) => void;
  onWait?: (ms: number, why: string) => void;
}

/**
 * Why an IV-MTR address must not be used, or null. Every sign-in carries the Business Customer
 * Gateway password: plain http is allowed only to this computer (a test server, a local relay).
 */
export function unsafeIvmtrUrl(key: string, text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${key} ${JSON.stringify(text.slice(0, 200))} is not a web address`;
  }
  if (url.protocol === 'https:') return null;
  const h = url.hostname.toLowerCase();
  if (url.protocol === 'http:' && (h === 'localhost' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h))) return null;
  return `refused to use ${key} ${url.host} over ${url.protocol.replace(':', '')}: the IV-MTR password would cross the network unencrypted. Use its https:// address`;
}

/**
 * `intake mail fetch`: the USPS's scans of every ballot still in the mail, through the same ingest
 * as a file. One import or fetch at a time: queued behind the others in this process, and the
 * mail lock file against another process.
 */
export async function fetchMail(ctx: ActionContext, actor: Actor | null, env: NodeJS.ProcessEnv, input: MailFetchInput = {}): Promise<FetchReport & { importId: number }> {
  const who = authorize(actor, 'mail.fetch');
  return queued(ctx.store.path, () => fetchNow(ctx, who, env, input));
}

async function fetchNow(ctx: ActionContext, who: Actor, env: NodeJS.ProcessEnv, input: MailFetchInput): Promise<FetchReport & { importId: number }> {
  const cfg = ctx.store.config;
  const authUrl = cfg.get('ivmtrAuthUrl') ?? '';
  const apiUrl = cfg.get('ivmtrApiUrl') ?? '';
  const username = cfg.get('ivmtrUsername');
  const password = env['INTAKE_IVMTR_PASSWORD'] ?? '';
  for (const [key, url] of [['ivmtrAuthUrl', authUrl], ['ivmtrApiUrl', apiUrl]] as const) {
    const problem = unsafeIvmtrUrl(key, url);
    if (problem) throw new ServiceError('invalid', problem);
  }
  if (!username) throw new ServiceError('invalid', 'No IV-MTR user is set: intake config set ivmtrUsername NAME (the Business Customer Gateway user with IV-MTR access).');
  if (!password) throw new ServiceError('invalid', 'The IV-MTR password is needed: set INTAKE_IVMTR_PASSWORD (it is never stored).');
  const mailerIds = cfg.get('imbMailerIds') ?? [];
  if (mailerIds.length === 0) throw new ServiceError('invalid', "No mailer ID is set: intake config set imbMailerIds '[\"123456\"]' (the office's outbound ballot mailer IDs).");
  const statusOpts = mailStatusOptions(ctx);
  const what = `mail fetch from IV-MTR (${new URL(apiUrl).host}, mailer IDs ${mailerIds.join(', ')}, by ${who.name})`;
  // One writer of mail events at a time: a file import into an empty table swaps the whole table at its end.
  const release = takeMailLock(ctx.store.path);
  let writer: MailEventWriter | null = null;
  let importId = 0;
  oplog.event(ctx.store, 'mail.fetch_started', 'na', `${what} started`);
  try {
    recoverMailLoad(ctx.store.db);
    const highWater = lastCompleteFetch(ctx.store);
    const startedAt = ctx.clock().toISOString();
    importId = Number(
      ctx.store.write(() => ctx.store.db.prepare(`INSERT INTO mail_imports (started_at, file, format, operator) VALUES (?, ?, 'ivmtr-api', ?)`).run(startedAt, apiUrl, who.name).lastInsertRowid),
    );
    writer = mailEventWriter(ctx.store.db, importId);
    const timeoutMs = (cfg.get('ivmtrTimeoutSeconds') ?? 30) * 1000;
    const report = await fetchMailEvents(fetchSink(ctx.store, importId, mailerIds, statusOpts, writer), {
      client: {
        auth: { url: authUrl, timeoutMs },
        api: { url: apiUrl, timeoutMs },
        credentials: { username, password, clientId: cfg.get('ivmtrClientId') ?? '', scope: IVMTR_SCOPE },
        maxAttempts: 5,
        backoff: { baseMs: (cfg.get('ivmtrRetryBaseSeconds') ?? 2) * 1000, capMs: 60_000, maxDelayMs: 5 * 60_000 },
        sleep: input.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
        random: input.random ?? Math.random,
        now: () => ctx.clock().getTime(),
        ...(input.onWait ? { onWait: input.onWait } : {}),
      },
      pageSize: cfg.get('ivmtrPageSize') ?? 200,
      highWater,
      overlapMs: LATE_SCAN_OVERLAP_MS,
      ...(input.onPage ? { onPage: input.onPage } : {}),
    });
    const done = writer;
    const finishedAt = ctx.clock().toISOString();
    ctx.store.write(() => {
      // Into an empty table the writer loads aside and puts the load in place here; its counts are then the final ones.
      const f = done.finish();
      if (f.final) Object.assign(report, { imported: f.imported, duplicates: f.duplicates, unknownImbs: f.unknownImbs });
      ctx.store.db
        .prepare('UPDATE mail_imports SET imported = ?, duplicates = ?, unknown_imbs = ?, finished_at = ? WHERE import_id = ?')
        .run(report.imported, report.duplicates, report.unknownImbs, finishedAt, importId);
      ctx.store.audit.append({ actor: who.name, action: 'mail.fetch', entity: 'mail_import', entityId: String(importId), before: null, after: { ...report, source: apiUrl } }, finishedAt);
    });
    oplog.event(ctx.store, 'mail.fetch_finished', 'success', `${what} finished: ${report.ballots} ballots asked, ${report.scans} scans, ${report.imported} new, ${report.duplicates} already known`);
    return { ...report, importId };
  } catch (e) {
    // The import row stays unfinished: the next fetch's high-water mark is the last complete one.
    writer?.abort();
    if (writer && !writer.bulk) auditStopped(ctx, who.name, importId, apiUrl, (e as Error).message);
    oplog.event(ctx.store, 'mail.fetch_failed', 'failure', `${what} stopped: ${(e as Error).message}`);
    throw e;
  } finally {
    release();
  }
}

/**
 * Pages a stopped fetch recorded stay (they are real scans), so its audit entry is written too,
 * saying it stopped: the tracking feed tells their milestones at that entry (main/store/feed.ts).
 */
function auditStopped(ctx: ActionContext, actor: string, importId: number, source: string, why: string): void {
  const row = ctx.store.db.prepare<[number], { imported: number; duplicates: number; unknown_imbs: number; read: number }>('SELECT read, imported, duplicates, unknown_imbs FROM mail_imports WHERE import_id = ?').get(importId);
  if (!row || row.imported === 0) return;
  const at = ctx.clock().toISOString();
  ctx.store.write(() =>
    ctx.store.audit.append({ actor, action: 'mail.fetch', entity: 'mail_import', entityId: String(importId), before: null, after: { ballots: row.read, imported: row.imported, duplicates: row.duplicates, unknownImbs: row.unknown_imbs, source, stopped: why } }, at),
  );
}
