/**
 * What the station's services leave in the station log, through the real services: a serial
 * scanner unplugged and replugged on a real pty, roll imports that finish and fail, a fault, the
 * cure e-mail and sync outcomes, and `log.tail` through the real router.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OplogEntry } from '../../shared/oplog/events.js';
import { Station } from '../../main/api/station.js';
import { loggedBatchSend, logNoticeReport } from '../../main/oplog/hooks.js';
import { oplog } from '../../main/oplog/index.js';
import { importRoll } from '../../main/roll/import.js';
import { parseSerialOption } from '../../main/scanners/factory.js';
import { syncToFolder } from '../../main/sync/folder.js';
import { apiFor } from '../helpers/api.js';
import { ROOT } from '../helpers/cli.js';
import { tempStore } from '../helpers/station.js';
import { startPtyCable, waitFor, type PtyCable } from '../scanners/pty.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.cleanup());

const entries = (): OplogEntry[] => oplog.tail(t.store, 1000);
const events = () => entries().map((e) => e.event);
const logText = () => fs.readFileSync(path.join(t.dir, 'logs', 'station.log'), 'utf8');

describe('a serial scanner on a real pty', () => {
  let cable: PtyCable | null = null;
  let station: Station | null = null;
  afterEach(async () => {
    await station?.stopScanners();
    await cable?.close();
    station = null;
    cable = null;
  });

  it('that drops mid-shift leaves a trace after its banner is gone: connected, disconnected (why), connected, stopped', async () => {
    cable = await startPtyCable();
    const config = parseSerialOption(cable.stationPath, { id: 'desk-1', name: 'Desk 1', terminator: 'CR' });
    if (!config.ok) throw new Error(config.error);
    station = new Station(t.store);
    station.startScanners([config.value]);
    const has = (event: string, n = 1) => () => events().filter((e) => e === event).length >= n;
    await waitFor(has('scanner.connected'), 'the scanner to connect');

    await cable.unplug();
    await waitFor(has('scanner.disconnected'), 'the drop to be logged');
    await cable.replug();
    await waitFor(has('scanner.connected', 2), 'the scanner to come back', 20_000);
    // The banner is gone: the station shows the scanner connected again…
    expect(station.scannerStatuses().map((s) => s.state)).toEqual(['connected']);
    // …and the log still says it dropped, when, and why.
    const drop = entries().find((e) => e.event === 'scanner.disconnected');
    expect(drop).toMatchObject({ disposition: 'failure', pid: process.pid });
    expect(drop?.message).toMatch(/^scanner Desk 1 \(desk-1\) disconnected: .*(port lost|does not exist|closed)/);

    await station.stopScanners();
    station = null;
    // One line a change of state: reconnect attempts while unplugged do not fill the log.
    expect(events()).toEqual(['scanner.connected', 'scanner.disconnected', 'scanner.connected', 'scanner.stopped']);
    expect(entries().at(-1)).toMatchObject({ disposition: 'na', message: 'scanner Desk 1 (desk-1) stopped' });
  });
});

describe('roll imports', () => {
  const sample = () => {
    const to = path.join(t.dir, 'station-roll.csv');
    fs.copyFileSync(path.join(ROOT, 'resources', 'sample-data', 'station-roll.csv'), to);
    return to;
  };

  it('log their start and counts, and never a voter’s date of birth or address', async () => {
    const file = sample();
    await importRoll(t.store, file, { format: 'station', operator: 'sue' });
    const [started, finished] = entries();
    expect(started).toMatchObject({ event: 'import.started', disposition: 'na', message: 'roll import of station-roll.csv (station, by sue) started' });
    expect(finished).toMatchObject({
      event: 'import.finished',
      disposition: 'success',
      message: 'roll import of station-roll.csv (station, by sue) finished: 13 read, 9 imported, 0 updated, 0 unchanged, 4 rejected (see station-roll.rejects.csv)',
    });
    const rows = parse<Record<string, string>>(fs.readFileSync(file), { columns: true });
    const text = logText();
    for (const r of rows) {
      for (const field of ['dob', 'res_address', 'mail_address', 'last_name']) {
        const value = r[field] ?? '';
        if (value !== '') expect(text, `${field} ${value}`).not.toContain(value);
      }
    }
  });

  it('log a failed import as a failure with the reason, and the roll as it was', async () => {
    const file = sample();
    await expect(importRoll(t.store, file, { format: 'nc-sbe', operator: 'sue' })).rejects.toThrow();
    await expect(importRoll(t.store, path.join(t.dir, 'missing.csv'), { format: 'station', operator: 'sue' })).rejects.toThrow();
    const failed = entries().filter((e) => e.event === 'import.failed');
    expect(failed).toHaveLength(2);
    for (const f of failed) {
      expect(f.disposition).toBe('failure');
      expect(f.message).toMatch(/failed, the roll is as it was: .+/);
    }
    expect(failed[1]?.message).toMatch(/missing\.csv/);
    expect(events()).toEqual(['import.started', 'import.failed', 'import.started', 'import.failed']);
  });
});

describe('faults, notices, sync and the API', () => {
  it('a database fault and its end are logged once each', () => {
    const station = new Station(t.store);
    station.setFault('the disk is full: nothing more can be recorded');
    station.setFault('the disk is full: nothing more can be recorded');
    station.setFault(null);
    expect(entries().map((e) => [e.event, e.disposition, e.message])).toEqual([
      ['database.fault', 'failure', 'the disk is full: nothing more can be recorded'],
      ['database.fault_cleared', 'success', 'the station left its fault state'],
    ]);
  });

  it('cure e-mails: one line each, sent or not, with the voter’s e-mail address left out', () => {
    logNoticeReport(t.store, {
      sent: [{ noticeId: 1, caseId: 10 }],
      retrying: [{ noticeId: 2, caseId: 11, error: '450 <rosa.garcia@example.net>: mailbox busy' }],
      failed: [{ noticeId: 3, caseId: 12, error: 'Recipient "min@example.org" refused (gave up after 5 attempts)' }],
    });
    expect(entries().map((e) => [e.event, e.disposition, e.message])).toEqual([
      ['notice.sent', 'success', 'cure notice e-mail 1 for case 10 sent'],
      ['notice.failed', 'failure', 'cure notice e-mail 2 for case 11 not sent, will retry: 450 <(address)>: mailbox busy'],
      ['notice.failed', 'failure', 'cure notice e-mail 3 for case 12 given up: Recipient "(address)" refused (gave up after 5 attempts)'],
    ]);
  });

  it('a batch sent to the state: started and acknowledged, rejected, waiting with why, or thrown; the URL’s secrets left out', async () => {
    const url = 'https://user:secret@state.example:8443/api?token=abc';
    await loggedBatchSend(t.store, 'B-1', url, () => Promise.resolve('acknowledged'));
    await loggedBatchSend(t.store, 'B-2', url, () => Promise.resolve('rejected'));
    await loggedBatchSend(t.store, 'B-3', url, () => Promise.resolve('waiting'));
    await expect(loggedBatchSend(t.store, 'B-4', url, () => Promise.reject(new Error('the state refused the token (401)')))).rejects.toThrow(/401/);
    expect(entries().map((e) => [e.event, e.message])).toEqual([
      ['sync.started', 'sending batch B-1 to state.example:8443'],
      ['sync.finished', 'batch B-1 acknowledged by the state'],
      ['sync.started', 'sending batch B-2 to state.example:8443'],
      ['sync.failed', 'batch B-2 rejected by the state: see sync status'],
      ['sync.started', 'sending batch B-3 to state.example:8443'],
      ['sync.failed', 'batch B-3 not sent yet, will retry'],
      ['sync.started', 'sending batch B-4 to state.example:8443'],
      ['sync.failed', 'batch B-4 not sent: the state refused the token (401)'],
    ]);
    expect(logText()).not.toMatch(/secret|token=abc/);
  });

  it('batches written to a folder: started and finished with the count, or failed with why', async () => {
    const drive = path.join(t.dir, 'usb');
    fs.mkdirSync(drive);
    await syncToFolder(t.store, drive, 'csv');
    await expect(syncToFolder(t.store, path.join(t.dir, 'not-mounted'), 'csv')).rejects.toThrow(/There is no folder/);
    expect(entries().map((e) => [e.event, e.disposition, e.message])).toEqual([
      ['sync.started', 'na', `writing closed batches to ${drive} (csv)`],
      ['sync.finished', 'success', `0 batch(es) written to ${drive} (csv)`],
      ['sync.started', 'na', `writing closed batches to ${path.join(t.dir, 'not-mounted')} (csv)`],
      ['sync.failed', 'failure', `writing batches to ${path.join(t.dir, 'not-mounted')} failed: There is no folder ${path.join(t.dir, 'not-mounted')}: is the drive plugged in and mounted?`],
    ]);
  });

  it('a lockout after five wrong PINs leaves one auth.lockout line, without the PIN', async () => {
    const station = new Station(t.store);
    await station.auth.createOperator('sue', 'supervisor', '246813', null);
    for (let i = 0; i < 5; i += 1) await station.auth.signIn('sue', '999999').catch(() => undefined);
    const lockouts = entries().filter((e) => e.event === 'auth.lockout');
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0]?.disposition).toBe('failure');
    expect(lockouts[0]?.message).toMatch(/sue locked out/);
    expect(logText()).not.toContain('999999');
  });

  it('log.tail: the last lines for a supervisor, oldest first, with the file; refused to a clerk; bad sizes refused', async () => {
    const api = apiFor(t.store);
    for (let i = 0; i < 5; i += 1) oplog.event(t.store, 'station.started', 'success', `start ${i}`);
    const r = await api.call(api.as('sue', 'supervisor'), 'log.tail', { lines: 3 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.file).toBe(path.join(t.dir, 'logs', 'station.log'));
    expect(r.value.entries.map((e) => e.message)).toEqual(['start 2', 'start 3', 'start 4']);
    expect(await api.call(api.as('clara'), 'log.tail', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    for (const lines of [0, 1001, 2.5, '10'])
      expect(await api.callRaw(api.as('sue', 'supervisor'), 'log.tail', { lines })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const all = await api.call(api.as('sue', 'supervisor'), 'log.tail', {});
    expect(all.ok && all.value.entries).toHaveLength(5);
  });
});
