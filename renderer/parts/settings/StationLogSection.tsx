import { useState } from 'react';
import { OPLOG_EVENTS } from '../../../shared/oplog/events.js';
import { api } from '../../api.js';
import { useQuery } from '../../useApi.js';
import { localDateTime, plainText } from '../../words.js';
import { Problem } from '../Notes.js';

const DISPOSITION_WORDS = { success: 'done', failure: 'FAILED', na: '' } as const;

/**
 * Settings → Station log: what happened to the station (scanners, faults, imports, syncs,
 * notices, lockouts), newest first, so a scanner that dropped mid-shift leaves a trace after
 * its banner is gone. Read only; the file itself is named for IT.
 */
export function StationLogSection({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  const [failuresOnly, setFailuresOnly] = useState(false);
  const log = useQuery(() => api.call('log.tail', { lines: 200 }), [], onAuthLost);
  const entries = [...(log.data?.entries ?? [])].reverse().filter((e) => !failuresOnly || e.disposition === 'failure');
  return (
    <section className="card station-log" aria-labelledby="station-log-title">
      <h2 id="station-log-title">Station log</h2>
      <Problem message={log.error} onDismiss={log.reload} />
      <div className="row">
        <label className="check">
          <input type="checkbox" checked={failuresOnly} onChange={(e) => setFailuresOnly(e.target.checked)} /> Only what went wrong
        </label>
        <button type="button" onClick={log.reload}>
          Refresh
        </button>
        {log.data?.file ? <span className="hint">Kept in {log.data.file}</span> : null}
      </div>
      {log.data && entries.length === 0 ? <p>Nothing logged yet.</p> : null}
      {entries.length > 0 ? (
        <div className="log-scroll">
          <table data-testid="station-log">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">Result</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e, i) => (
                <tr key={`${e.time}-${i}`} className={e.disposition === 'failure' ? 'row-problem' : undefined}>
                  <td>{localDateTime(e.time)}</td>
                  <td>{OPLOG_EVENTS[e.event]}</td>
                  <td>{DISPOSITION_WORDS[e.disposition]}</td>
                  <td>
                    <bdi>{plainText(e.message)}</bdi>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
