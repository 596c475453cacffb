import type { ReactNode } from 'react';
import type { Output } from '../../../shared/api/contract.js';
import { api } from '../../api.js';
import { useQuery } from '../../useApi.js';
import { localDateTime } from '../../words.js';
import { Problem } from '../Notes.js';
import { DECISION_WORDS, dayWords, rateWords } from './words.js';

type Report = Output<'signatures.agreement'>;
type Rate = Report['overall'];

function RateCells({ r }: { r: Rate }) {
  return (
    <>
      <td>{r.sampled.toLocaleString()}</td>
      <td>{r.agreed.toLocaleString()}</td>
      <td>{r.disagreed.toLocaleString()}</td>
      <td>{r.pending.toLocaleString()}</td>
      <td>
        <strong>{rateWords(r.rate)}</strong>
      </td>
    </>
  );
}

const RATE_HEADS = ['Sampled', 'Agreed', 'Disagreed', 'Awaiting a second look', 'Agreement'];

/** One agreement table (per reviewer, per day): a row head, then the same five rate columns. */
function RateTable({
  title,
  firstHead,
  rows,
}: {
  title: string;
  firstHead: string;
  rows: { key: string; head: ReactNode; rate: Rate }[];
}) {
  return (
    <section className="card">
      <h2>{title}</h2>
      <table aria-label={`Agreement ${title.toLowerCase()}`}>
        <thead>
          <tr>
            <th scope="col">{firstHead}</th>
            {RATE_HEADS.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((x) => (
            <tr key={x.key}>
              <th scope="row">{x.head}</th>
              <RateCells r={x.rate} />
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="muted">No sample yet.</p>}
    </section>
  );
}

/** For supervisors: how often a blind second look agreed with each first-level reviewer, per reviewer and per day. */
export function AgreementReport({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  const q = useQuery(() => api.call('signatures.agreement', {}), [], onAuthLost);
  const r = q.data;
  return (
    <div className="agreement" data-testid="agreement-report">
      <Problem message={q.error} onDismiss={q.reload} />
      {r && (
        <>
          <section className="card">
            <h2>Blind sample audit</h2>
            <p>
              {Math.round(r.sampleRate * 1000) / 10}% of first-look “matches” are looked at again, blind, by
              another reviewer. Agreement overall:{' '}
              <strong data-testid="agreement-overall">{rateWords(r.overall.rate)}</strong> of{' '}
              {r.overall.sampled.toLocaleString()} sampled ({r.overall.pending.toLocaleString()} awaiting
              their second look).
            </p>
          </section>
          <RateTable
            title="By reviewer"
            firstHead="First-look reviewer"
            rows={r.byReviewer.map((x) => ({ key: x.operator, head: <bdi>{x.operator}</bdi>, rate: x }))}
          />
          <RateTable
            title="By day"
            firstHead="Day of the first look"
            rows={r.byDay.map((x) => ({ key: x.day, head: dayWords(x.day), rate: x }))}
          />
          <section className="card">
            <h2>Disagreements (for a supervisor)</h2>
            <table aria-label="Disagreements">
              <thead>
                <tr>
                  <th scope="col">Ballot</th>
                  <th scope="col">First look</th>
                  <th scope="col">Blind sample</th>
                  <th scope="col">When</th>
                  <th scope="col">Supervisor’s decision</th>
                </tr>
              </thead>
              <tbody>
                {r.disagreements.map((d) => (
                  <tr key={d.scanSeq}>
                    <td className="mono">
                      <bdi>{d.ballotId}</bdi>
                    </td>
                    <td>
                      <bdi>{d.firstOperator}</bdi>: matches
                    </td>
                    <td>
                      <bdi>{d.blindOperator}</bdi>: {DECISION_WORDS[d.blindDecision].label.toLowerCase()}
                    </td>
                    <td>{localDateTime(d.at)}</td>
                    <td>
                      {d.resolution ? (
                        DECISION_WORDS[d.resolution].label
                      ) : (
                        <span className="warn">waiting</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {r.disagreements.length === 0 && <p className="muted">None.</p>}
          </section>
        </>
      )}
    </div>
  );
}
