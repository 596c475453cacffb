import type { Output } from '../../../shared/api/contract.js';
import { api } from '../../api.js';
import { useQuery } from '../../useApi.js';
import { localDate } from '../../words.js';
import { StackedBars } from '../StackedBars.js';

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

/** The mail stream: ballots the USPS scanned per mail phase per day, going out and coming back, over the 30 days to `to`. */
export function MailStream({ to, onAuthLost }: { to: string; onAuthLost: (why: string) => void }) {
  const from = new Date(Date.parse(`${to}T12:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);
  const q = useQuery(() => api.call('mail.stream', { from, to }), [from, to], onAuthLost);
  const out = pivot(q.data ?? [], 'out');
  const back = pivot(q.data ?? [], 'back');
  return (
    <section className="card mail-stream" aria-labelledby="mail-stream-h">
      <h2 id="mail-stream-h">
        Ballots in the mail, per USPS phase per day (30 days to {localDate(`${to}T12:00:00`)})
      </h2>
      {q.error && <p className="error">{q.error}</p>}
      <h3>Going out to voters</h3>
      <StackedBars
        title="Outbound ballots scanned per phase per day"
        rows={out.data}
        keys={out.keys}
        xKey="day"
        tickWords={shortDay}
        tooltipWords={shortDay}
        empty="No USPS scans in these days."
      />
      <h3>Coming back to the office</h3>
      <StackedBars
        title="Returning ballots scanned per phase per day"
        rows={back.data}
        keys={back.keys}
        xKey="day"
        tickWords={shortDay}
        tooltipWords={shortDay}
        empty="No USPS scans in these days."
      />
    </section>
  );
}
