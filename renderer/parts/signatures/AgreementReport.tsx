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
          <section className="card">
            <h2>By reviewer</h2>
            <table aria-label="Agreement by reviewer">
              <thead>
                <tr>
                  <th scope="col">First-look reviewer</th>
                  {RATE_HEADS.map((h) => (
                    <th key={h} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {r.byReviewer.map((x) => (
                  <tr key={x.operator}>
                    <th scope="row">
                      <bdi>{x.operator}</bdi>
                    </th>
                    <RateCells r={x} />
                  </tr>
                ))}
              </tbody>
            </table>
            {r.byReviewer.length === 0 && <p className="muted">No sample yet.</p>}
          </section>
          <section className="card">
            <h2>By day</h2>
            <table aria-label="Agreement by day">
              <thead>
                <tr>
                  <th scope="col">Day of the first look</th>
                  {RATE_HEADS.map((h) => (
                    <th key={h} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {r.byDay.map((x) => (
                  <tr key={x.day}>
                    <th scope="row">{dayWords(x.day)}</th>
                    <RateCells r={x} />
                  </tr>
                ))}
              </tbody>
            </table>
            {r.byDay.length === 0 && <p className="muted">No sample yet.</p>}
          </section>
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
