import { api } from '../../api.js';
import { useQuery } from '../../useApi.js';
import { DIRECTION_WORDS, phaseWords, placeWords, scanTimeWords } from './mail-words.js';

/** A ballot's trip through the mail, from the USPS's scans: its mail status and each scan (when, where, what). */
export function MailJourney({ ballotId, onAuthLost }: { ballotId: string; onAuthLost: (why: string) => void }) {
  const q = useQuery(() => api.call('mail.ballot', { ballotId }), [ballotId], onAuthLost);
  const m = q.data;
  if (!m) return q.error ? <p className="muted">Mail tracking: {q.error}</p> : null;
  const allLocal = m.events.every((e) => e.scannedAtUtc === null);
  return (
    <div className="mail-journey" data-testid="mail-journey" data-mail-status={m.status ?? 'none'}>
      <p>
        <strong>In the mail:</strong> {m.words}
        {m.events.length > 0 && (
          <span className="muted">
            {' '}
            ({m.events.length === 1 ? '1 USPS scan' : `${m.events.length} USPS scans`}
            {allLocal ? ', each at the facility’s local time' : ''})
          </span>
        )}
      </p>
      {m.events.length > 0 && (
        <ol className="history mail-scans" aria-label={`USPS scans of ballot ${ballotId}`}>
          {m.events.map((e, i) => (
            <li key={i}>
              <span className="muted">{scanTimeWords(e, !allLocal)}</span> {DIRECTION_WORDS[e.direction]}: {phaseWords(e.phase)}
              {e.handling === 'logical' || e.handling === 'assumed' ? ' (assumed, not a carrier scan)' : ''} at <bdi>{placeWords(e)}</bdi>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
