import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Output } from '../../shared/api/contract.js';
import { api, download } from '../api.js';
import { CountTable, Feedback } from '../Feedback.js';
import { useCall } from '../useCall.js';

export function Reports({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  const [r, setR] = useState<Output<'reports.summary'> | null>(null);
  const { error, run } = useCall(onAuthLost);
  useEffect(() => void run(() => api.call('reports.summary', {})).then(setR), [run]);
  const exportCsv = () => void run(() => api.call('receipts.export', { format: 'csv' })).then((x) => x && download(x.filename, x.content, 'text/csv'));
  return (
    <div>
      <div className="card">
        <h2>Receipts per hour</h2>
        <div style={{ width: '100%', height: 260 }}>
          <ResponsiveContainer>
            <BarChart data={r?.perHour ?? []}>
              <CartesianGrid strokeDasharray="3 3" stroke="#2f3b47" />
              <XAxis dataKey="hour" stroke="#a9b4c0" tickFormatter={(h: string) => h.slice(11, 16)} />
              <YAxis stroke="#a9b4c0" allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="count" fill="#4ea1ff" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <button className="primary" onClick={exportCsv}>
          Export receipts (CSV)
        </button>
      </div>
      <div className="row">
        <CountTable title="Verdicts" counts={r?.verdicts} />
        <CountTable title="Cure codes" counts={r?.cureCodes} />
        <div className="card">
          <h2>Per clerk</h2>
          <table>
            <thead>
              <tr>
                <th>Clerk</th>
                <th>Scans</th>
                <th>Accepted</th>
                <th>Per hour</th>
              </tr>
            </thead>
            <tbody>
              {(r?.perClerk ?? []).map((c) => (
                <tr key={c.operator}>
                  <td>{c.operator}</td>
                  <td>{c.scans}</td>
                  <td>{c.accepted}</td>
                  <td>{c.perHour}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <Feedback error={error} />
    </div>
  );
}
