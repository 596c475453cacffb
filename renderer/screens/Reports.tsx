import { useState } from 'react';
import type { Output } from '../../shared/api/contract.js';
import type { CureState, Verdict } from '../../shared/domain.js';
import { api, base64ToBytes, download } from '../api.js';
import { dayOf, parseTypedDate, shiftDay, todayYmd, usDate } from '../parts/day.js';
import { Done, Problem } from '../parts/Notes.js';
import { CountyReports } from '../parts/county/CountyReports.js';
import { CountyScope } from '../parts/county/CountyScope.js';
import { useAction, useQuery } from '../useApi.js';
import { MailAttention } from '../parts/mail/MailAttention.js';
import { MailStream } from '../parts/mail/MailStream.js';
import { StackedBars } from '../parts/StackedBars.js';
import { CURE_STATE_WORDS, localDate, localDateTime, VERDICT_WORDS } from '../words.js';

type Report = Output<'reports.day'>;

/** Rows of {hour, [series]: count} for a stacked bar chart, every hour of the day with data. */
function pivot<T extends { hour: string; count: number }>(
  rows: T[],
  series: (r: T) => string,
): { data: Record<string, string | number>[]; keys: string[] } {
  const keys = [...new Set(rows.map(series))].sort();
  const byHour = new Map<string, Record<string, string | number>>();
  for (const r of rows) {
    const row = byHour.get(r.hour) ?? { hour: r.hour };
    row[series(r)] = Number(row[series(r)] ?? 0) + r.count;
    byHour.set(r.hour, row);
  }
  return {
    data: [...byHour.values()].sort((a, b) => String(a['hour']).localeCompare(String(b['hour']))),
    keys,
  };
}

/** "14:00" → "2 PM": the hour as the wall clock says it. */
function hourWords(h: string): string {
  const n = Number(h.slice(0, 2));
  return `${n % 12 === 0 ? 12 : n % 12} ${n < 12 ? 'AM' : 'PM'}`;
}

/** This station's day, or (on a station in a county) the county's counts for today: docs/county.md. */
export function Reports({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  const today = dayOf(todayYmd());
  return (
    <CountyScope
      enabled
      onAuthLost={onAuthLost}
      station={<StationReports onAuthLost={onAuthLost} />}
      county={(down) => (
        <CountyReports
          from={today.from}
          to={today.to}
          dayLabel={today.dayLabel}
          onAuthLost={onAuthLost}
          onUnavailable={down}
        />
      )}
    />
  );
}

function StationReports({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  const [ymd, setYmd] = useState(todayYmd());
  const [typed, setTyped] = useState(usDate(todayYmd()));
  const day = dayOf(ymd);
  const input = {
    from: day.from,
    to: day.to,
    utcOffsetMinutes: day.utcOffsetMinutes,
    dayLabel: day.dayLabel,
  };
  const report = useQuery(() => api.call('reports.day', input), [ymd], onAuthLost);
  const action = useAction(onAuthLost);
  const [printed, setPrinted] = useState<string | null>(null);
  const r: Report | null = report.data;

  const go = (next: string) => {
    setYmd(next);
    setTyped(usDate(next));
    setPrinted(null);
  };
  const pick = () => {
    const p = parseTypedDate(typed);
    if (!p.ok) return action.setError(p.error);
    action.dismiss();
    go(p.value);
  };
  const pdf = () =>
    void action
      .run(() => api.call('reports.pdf', input))
      .then((x) => {
        if (!x) return;
        download(x.filename, base64ToBytes(x.pdfBase64), 'application/pdf');
        setPrinted(`Saved ${x.filename}: open it to print.`);
      });
  const csv = () =>
    void action
      .run(() => api.call('receipts.export', { format: 'csv' }))
      .then((x) => x && download(x.filename, x.content, 'text/csv'));

  const receipts = pivot(r?.receiptsPerHour ?? [], (x) => x.operator);
  const problems = pivot(r?.problemsPerHour ?? [], (x) => VERDICT_WORDS[x.verdict as Verdict] ?? x.verdict);
  const clerks = new Map<string, number>();
  for (const x of r?.receiptsPerHour ?? [])
    clerks.set(`${x.station} · ${x.operator}`, (clerks.get(`${x.station} · ${x.operator}`) ?? 0) + x.count);

  return (
    <div className="sup-screen reports">
      <h1>Reports for {day.dayLabel}</h1>
      <div className="card row">
        <button type="button" onClick={() => go(shiftDay(ymd, -1))}>
          ← Day before
        </button>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            pick();
          }}
        >
          <label>
            Day (month/day/year)
            <input name="reportDay" size={12} value={typed} onChange={(e) => setTyped(e.target.value)} />
          </label>
          <button type="submit">Show</button>
        </form>
        <button type="button" onClick={() => go(shiftDay(ymd, 1))} disabled={ymd >= todayYmd()}>
          Day after →
        </button>
        <button className="primary" type="button" onClick={pdf} disabled={!r || action.busy}>
          Print the day's report (PDF)
        </button>
        <button type="button" onClick={csv} disabled={action.busy}>
          Export receipts (CSV)
        </button>
        <Done message={printed} testId="report-printed" />
      </div>
      <Problem message={action.error ?? report.error} onDismiss={action.dismiss} testId="reports-problem" />
      {r && (
        <>
          <div className="totals" aria-label="The day in numbers">
            <div className="card">
              <span className="big">{r.totals.scans.toLocaleString()}</span> envelopes scanned
            </div>
            <div className="card">
              <span className="big">{r.totals.receipts.toLocaleString()}</span> received
            </div>
            <div className="card">
              <span className="big">{r.totals.problems.toLocaleString()}</span> problems
            </div>
            <div className="card">
              <span className="big">{r.totals.openCureCases.toLocaleString()}</span> open cure cases
            </div>
          </div>
          <div className="report-grid">
            <section className="card" aria-labelledby="rph">
              <h2 id="rph">Received per hour, by clerk</h2>
              <StackedBars
                title="Received per hour, by clerk"
                rows={receipts.data}
                keys={receipts.keys}
                xKey="hour"
                tickWords={hourWords}
                empty="Nothing this day."
              />
              <table aria-label="Received per clerk">
                <thead>
                  <tr>
                    <th scope="col">Station · clerk</th>
                    <th scope="col">Received</th>
                  </tr>
                </thead>
                <tbody>
                  {[...clerks].map(([k, n]) => (
                    <tr key={k}>
                      <td>
                        <bdi>{k}</bdi>
                      </td>
                      <td>{n}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="card" aria-labelledby="pph">
              <h2 id="pph">Problems per hour</h2>
              <StackedBars
                title="Problems per hour, by kind"
                rows={problems.data}
                keys={problems.keys}
                xKey="hour"
                tickWords={hourWords}
                empty="Nothing this day."
              />
            </section>
            <section className="card" aria-labelledby="cure">
              <h2 id="cure">Cure cases by state and deadline</h2>
              <table aria-label="Cure cases by state and deadline">
                <thead>
                  <tr>
                    <th scope="col">State</th>
                    <th scope="col">Voter must cure by</th>
                    <th scope="col">Cases</th>
                    <th scope="col">Past the deadline</th>
                  </tr>
                </thead>
                <tbody>
                  {r.curePipeline.map((c) => (
                    <tr key={`${c.state}-${c.deadlineDay ?? ''}`}>
                      <td>{CURE_STATE_WORDS[c.state as CureState] ?? c.state}</td>
                      <td>{c.deadlineDay ? localDate(`${c.deadlineDay}T12:00:00`) : 'no deadline set'}</td>
                      <td>{c.count}</td>
                      <td className={c.overdue ? 'error' : ''}>{c.overdue ? `⚠ ${c.overdue}` : ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {r.curePipeline.length === 0 && <p className="muted">No cure case open.</p>}
            </section>
            <section className="card" aria-labelledby="trays">
              <h2 id="trays">Trays not yet counted or not yet at the state</h2>
              <table aria-label="Trays not yet counted or synced">
                <thead>
                  <tr>
                    <th scope="col">Station</th>
                    <th scope="col">Batch</th>
                    <th scope="col">Scanned</th>
                    <th scope="col">Hand count</th>
                    <th scope="col">Sync</th>
                    <th scope="col">Closed</th>
                  </tr>
                </thead>
                <tbody>
                  {r.openBatches.map((b) => (
                    <tr key={b.batchId}>
                      <td className="nowrap">
                        <bdi>{b.station}</bdi>
                      </td>
                      <td>{b.number}</td>
                      <td>{b.scanned}</td>
                      <td>{b.handCount ?? <span className="warn">⚠ not counted</span>}</td>
                      <td>
                        {b.status === 'OPEN'
                          ? 'still open'
                          : b.sync === 'written'
                            ? 'written, not uploaded'
                            : b.sync === 'rejected'
                              ? 'refused by the state'
                              : b.sync === 'acknowledged'
                                ? 'at the state'
                                : 'not sent yet'}
                      </td>
                      <td>{b.closedAt ? localDateTime(b.closedAt) : ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {r.openBatches.length === 0 && <p className="muted">Every tray is counted and at the state.</p>}
            </section>
          </div>
        </>
      )}
      <MailAttention onAuthLost={onAuthLost} />
      <MailStream to={ymd} onAuthLost={onAuthLost} />
    </div>
  );
}
