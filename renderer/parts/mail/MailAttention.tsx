import { useState } from 'react';
import type { Output } from '../../../shared/api/contract.js';
import { api, download } from '../../api.js';
import { Problem } from '../Notes.js';
import { useAction, useQuery } from '../../useApi.js';
import { localDate } from '../../words.js';
import { LIST_WORDS, placeWords, scanTimeWords } from './mail-words.js';

type List = keyof typeof LIST_WORDS;
const LISTS = Object.keys(LIST_WORDS) as List[];

/** The supervisor's mail attention lists: three counts, one list open at a time, each exported as CSV. */
export function MailAttention({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  const [days, setDays] = useState(7);
  const [hours, setHours] = useState(48);
  const [open, setOpen] = useState<List | null>(null);
  const counts = useQuery(() => api.call('mail.attentionCounts', { days, hours }), [days, hours], onAuthLost);
  const action = useAction(onAuthLost);
  const [list, setList] = useState<Output<'mail.attention'> | null>(null);
  const show = (l: List) => {
    setOpen(l);
    setList(null);
    void action.run(() => api.call('mail.attention', { list: l, days, hours, limit: 200 })).then((r) => r && setList(r));
  };
  const csv = (l: List) => void action.run(() => api.call('mail.attentionCsv', { list: l, days, hours })).then((x) => x && download(x.filename, x.content, 'text/csv'));
  const c = counts.data;
  return (
    <section className="card mail-attention" aria-labelledby="mail-attention-h">
      <h2 id="mail-attention-h">Ballots in the mail that need a look</h2>
      <div className="row">
        <label>
          No scan after (days)
          <input name="mailDays" type="number" min={1} max={365} value={days} onChange={(e) => setDays(Math.min(365, Math.max(1, Number(e.target.value) || 1)))} />
        </label>
        <label>
          Not received after (hours)
          <input name="mailHours" type="number" min={1} max={1440} value={hours} onChange={(e) => setHours(Math.min(1440, Math.max(1, Number(e.target.value) || 1)))} />
        </label>
      </div>
      {c && !c.officeZipsSet && <p className="warn">The office’s mail facility ZIPs are not set, so no return is known to have arrived (intake config set mailOfficeZips).</p>}
      <div className="totals" aria-label="Mail attention counts">
        {LISTS.map((l) => (
          <div className="card" key={l} data-list={l}>
            <span className="big">{c ? c.counts[l].toLocaleString() : '…'}</span> {LIST_WORDS[l].count}
            <div className="row">
              <button type="button" onClick={() => show(l)} aria-pressed={open === l}>
                Show
              </button>
              <button type="button" onClick={() => csv(l)} disabled={action.busy}>
                Export CSV
              </button>
            </div>
          </div>
        ))}
      </div>
      <Problem message={action.error ?? counts.error} onDismiss={action.dismiss} testId="mail-attention-problem" />
      {open && list && <AttentionTable list={list} />}
    </section>
  );
}

function AttentionTable({ list }: { list: Output<'mail.attention'> }) {
  const words = LIST_WORDS[list.list];
  return (
    <div data-testid="mail-attention-list">
      <h3>
        {words.title}: {list.count.toLocaleString()}
      </h3>
      <p className="muted">{words.help}</p>
      {list.count === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table aria-label={words.title}>
          <thead>
            <tr>
              <th scope="col">Voter</th>
              <th scope="col">Ballot</th>
              <th scope="col">Issued</th>
              <th scope="col">Last USPS scan</th>
              <th scope="col">{words.waited}</th>
              {list.list === 'undeliverable' && <th scope="col">New ballot issued</th>}
            </tr>
          </thead>
          <tbody>
            {list.rows.map((r) => (
              <tr key={r.ballotId}>
                <td>
                  <bdi>
                    {r.lastName}, {r.firstName}
                  </bdi>
                </td>
                <td className="mono">
                  <bdi>{r.ballotId}</bdi>
                </td>
                <td className="nowrap">{r.issuedAt ? localDate(`${r.issuedAt.slice(0, 10)}T12:00:00`) : ''}</td>
                <td>{r.event ? <>{scanTimeWords({ scannedAt: r.event.at, scannedAtUtc: /Z$/.test(r.event.at) ? r.event.at : null })} at <bdi>{placeWords(r.event)}</bdi></> : 'none'}</td>
                <td>{r.waited}</td>
                {list.list === 'undeliverable' && <td>{r.reissued ? 'yes' : 'no'}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.truncated && <p className="muted">The first {list.rows.length} are shown; the CSV has all {list.count.toLocaleString()}.</p>}
    </div>
  );
}
