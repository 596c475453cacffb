import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Output } from '../../../shared/api/contract.js';
import { api } from '../../api.js';
import { useQuery } from '../../useApi.js';
import { localDate } from '../../words.js';

// Okabe–Ito, as the other charts: told apart on the dark panel and with the common colour-vision deficiencies.
const PALETTE = ['#56b4e9', '#e69f00', '#009e73', '#f0e442', '#cc79a7', '#d55e00', '#0072b2', '#ffffff'];
const shortDay = (ymd: string) => localDate(`${ymd}T12:00:00`).replace(/,\s*\d{4}$/, '');

function pivot(rows: Output<'mail.stream'>, direction: 'out' | 'back') {
  const mine = rows.filter((r) => r.direction === direction);
  const keys = [...new Set(mine.map((r) => r.phase))].sort();
  const byDay = new Map<string, Record<string, string | number>>();
  for (const r of mine) {
    const row = byDay.get(r.day) ?? { day: r.day };
    row[r.phase] = Number(row[r.phase] ?? 0) + r.ballots;
    byDay.set(r.day, row);
  }
  return { data: [...byDay.values()].sort((a, b) => String(a['day']).localeCompare(String(b['day']))), keys };
}

function Chart({ title, rows, keys }: { title: string; rows: Record<string, string | number>[]; keys: string[] }) {
  if (rows.length === 0) return <p className="muted">No USPS scans in these days.</p>;
  return (
    <div className="chart" role="img" aria-label={title}>
      <ResponsiveContainer>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#3a4754" />
          <XAxis dataKey="day" stroke="#c9d2db" tickFormatter={shortDay} />
          <YAxis stroke="#c9d2db" allowDecimals={false} />
          <Tooltip contentStyle={{ background: '#0b0f13', border: '1px solid #4b5d70' }} labelFormatter={(d: unknown) => shortDay(typeof d === 'string' ? d : '')} />
          <Legend />
          {keys.map((k, i) => (
            <Bar key={k} dataKey={k} stackId="a" fill={PALETTE[i % PALETTE.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** The mail stream: ballots the USPS scanned per mail phase per day, going out and coming back, over the 30 days to `to`. */
export function MailStream({ to, onAuthLost }: { to: string; onAuthLost: (why: string) => void }) {
  const from = new Date(Date.parse(`${to}T12:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);
  const q = useQuery(() => api.call('mail.stream', { from, to }), [from, to], onAuthLost);
  const out = pivot(q.data ?? [], 'out');
  const back = pivot(q.data ?? [], 'back');
  return (
    <section className="card mail-stream" aria-labelledby="mail-stream-h">
      <h2 id="mail-stream-h">Ballots in the mail, per USPS phase per day (30 days to {localDate(`${to}T12:00:00`)})</h2>
      {q.error && <p className="error">{q.error}</p>}
      <h3>Going out to voters</h3>
      <Chart title="Outbound ballots scanned per phase per day" rows={out.data} keys={out.keys} />
      <h3>Coming back to the office</h3>
      <Chart title="Returning ballots scanned per phase per day" rows={back.data} keys={back.keys} />
    </section>
  );
}
