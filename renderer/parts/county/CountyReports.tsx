import { useEffect } from 'react';
import type { Verdict } from '../../../shared/domain.js';
import { api } from '../../api.js';
import { useQuery } from '../../useApi.js';
import { VERDICT_WORDS } from '../../words.js';

/**
 * County counts for one day (the same day the Reports screen shows): per station, per verdict,
 * read from the hub. Days are counted by the stations' recorded times.
 */
export function CountyReports({ from, to, dayLabel, onAuthLost, onUnavailable }: { from: string; to: string; dayLabel: string; onAuthLost: (why: string) => void; onUnavailable: (why: string) => void }) {
  const r = useQuery(() => api.call('county.report', { from, to }), [from, to], onAuthLost);
  useEffect(() => {
    if (r.error) onUnavailable(r.error);
  }, [r.error, onUnavailable]);
  const d = r.data;
  const sum = (k: 'scans' | 'accepted' | 'problems' | 'open') => (d?.perStation ?? []).reduce((n, s) => n + s[k], 0);
  return (
    <div className="sup-screen reports county-reports">
      <h1>County report for {dayLabel}</h1>
      {d && (
        <>
          <div className="card">
            <h2>By station ({d.stations} registered)</h2>
            <table aria-label="County counts by station">
              <thead>
                <tr>
                  <th>Station</th>
                  <th>Envelopes scanned</th>
                  <th>Accepted</th>
                  <th>Problems</th>
                  <th>Still open</th>
                  <th>Taken back</th>
                </tr>
              </thead>
              <tbody>
                {d.perStation.map((s) => (
                  <tr key={s.station}>
                    <td>{s.station === d.station ? `${s.station} (here)` : s.station}</td>
                    <td>{s.scans.toLocaleString()}</td>
                    <td>{s.accepted.toLocaleString()}</td>
                    <td>{s.problems.toLocaleString()}</td>
                    <td>{s.open.toLocaleString()}</td>
                    <td>{s.undone.toLocaleString()}</td>
                  </tr>
                ))}
                <tr className="total-row">
                  <td>County</td>
                  <td>{sum('scans').toLocaleString()}</td>
                  <td>{sum('accepted').toLocaleString()}</td>
                  <td>{sum('problems').toLocaleString()}</td>
                  <td>{sum('open').toLocaleString()}</td>
                  <td />
                </tr>
              </tbody>
            </table>
            {d.perStation.length === 0 && <p className="muted">No station scanned an envelope this day.</p>}
          </div>
          <div className="card">
            <h2>By verdict</h2>
            <table aria-label="County counts by verdict">
              <tbody>
                {d.perVerdict.map((v) => (
                  <tr key={v.verdict}>
                    <td>{VERDICT_WORDS[v.verdict as Verdict] ?? v.verdict}</td>
                    <td>{v.count.toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
