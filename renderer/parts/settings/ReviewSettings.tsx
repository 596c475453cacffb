import { useState } from 'react';
import { api } from '../../api.js';
import { useAction, useQuery } from '../../useApi.js';
import { Done, Problem } from '../Notes.js';
import { str } from './fields.js';
import { resultWords, saveSettings } from './save.js';
import { useAfterReload } from './after-reload.js';

const CAPTURE_WORDS = { 'after-accept': 'after each accepted scan', 'on-key': 'only when asked', off: 'never' } as const;
type Capture = keyof typeof CAPTURE_WORDS;
const NOTICE_PICTURE_WORDS = { '': 'as the state’s letter does', envelope: 'the envelope as received', signature: 'the signature on the envelope', off: 'no picture' } as const;
type NoticePicture = Exclude<keyof typeof NOTICE_PICTURE_WORDS, ''>;

/**
 * Signature review and envelope pictures, for supervisors: who may review signatures (and their
 * party, where a rejection needs a bipartisan pair), the share of matches looked at again blind,
 * and where the pictures come from and how long they are kept.
 */
export function ReviewSettings({ values, loaded, onSaved, onAuthLost }: { values: Record<string, unknown>; loaded: boolean; onSaved: () => void; onAuthLost: (why: string) => void }) {
  const reviewers = useQuery(() => api.call('signatures.reviewers', {}), [], onAuthLost);
  const act = useAction(onAuthLost);
  const [party, setParty] = useState<Record<string, string>>({});
  const [typed, setTyped] = useState<Record<string, string>>({});
  const afterReload = useAfterReload(values);
  const [ok, setOk] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rowOk, setRowOk] = useState<string | null>(null);

  const rate = values['signatures.sampleRate'];
  const shown = {
    sampleRate: typed['sampleRate'] ?? (typeof rate === 'number' ? String(Math.round(rate * 1000) / 10) : '2'),
    bipartisan: typed['bipartisan'] ?? (values['signatures.bipartisanPair'] === true ? 'yes' : 'no'),
    capture: typed['capture'] ?? (str(values['images.capture']) || 'off'),
    device: typed['device'] ?? str(values['images.device']),
    sorter: typed['sorter'] ?? str(values['images.sorterFolder']),
    days: typed['days'] ?? str(values['images.retentionDays']),
    noticePicture: typed['noticePicture'] ?? str(values['cureNoticeImage']),
  };
  const set = (k: string, v: string) => setTyped((t) => ({ ...t, [k]: v }));

  const setReviewer = async (name: string, reviewer: boolean, p: string) => {
    setRowOk(null);
    const r = await act.run(() => api.call('signatures.setReviewer', { name, reviewer, party: p.trim() ? p.trim() : null }));
    if (r) setRowOk(`${r.name}: ${r.reviewer ? `reviews signatures${r.party ? ` (${r.party})` : ''}` : 'no longer reviews signatures'}.`);
    reviewers.reload();
  };

  const save = async () => {
    const pct = Number(shown.sampleRate.replace('%', '').trim());
    if (!Number.isFinite(pct) || pct < 0 || pct > 100) return setError('Not saved: the blind sample is a share from 0 to 100 percent, for example 2.');
    if (shown.days !== '' && !/^\d+$/.test(shown.days.trim())) return setError('Not saved: keep pictures for a whole number of days, or leave it empty for the state’s rule.');
    const changes = [
      typed['sampleRate'] !== undefined && { key: 'signatures.sampleRate' as const, label: 'Blind sample', value: pct / 100 },
      typed['bipartisan'] !== undefined && { key: 'signatures.bipartisanPair' as const, label: 'Bipartisan pair', value: shown.bipartisan === 'yes' },
      typed['capture'] !== undefined && { key: 'images.capture' as const, label: 'Scanner pictures', value: shown.capture },
      typed['device'] !== undefined && { key: 'images.device' as const, label: 'Envelope scanner', value: shown.device.trim() || null },
      typed['sorter'] !== undefined && { key: 'images.sorterFolder' as const, label: 'Sorter folder', value: shown.sorter.trim() || null },
      typed['days'] !== undefined && { key: 'images.retentionDays' as const, label: 'Keep pictures', value: shown.days.trim() ? Number(shown.days) : null },
      typed['noticePicture'] !== undefined && { key: 'cureNoticeImage' as const, label: 'Picture on cure notices', value: (shown.noticePicture || null) as NoticePicture | null },
    ].filter((c) => c !== false);
    const w = resultWords(await saveSettings(changes));
    setOk(w.ok);
    setError(w.error);
    // Cleared once the reloaded settings show what was saved (not before: no flash of the old values).
    const sent = typed;
    if (!w.error) afterReload(() => setTyped((t) => (t === sent ? {} : t)));
    onSaved();
  };

  return (
    <section className="card settings-form review-settings" aria-labelledby="review-settings-title">
      <h2 id="review-settings-title">Signature review and envelope pictures</h2>
      <table aria-label="Signature reviewers">
        <thead>
          <tr>
            <th scope="col">Operator</th>
            <th scope="col">Reviews signatures</th>
            <th scope="col">Party (for a bipartisan pair)</th>
            <th scope="col">
              <span className="sr-only">Save</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(reviewers.data ?? []).map((r) => {
            const p = party[r.name] ?? r.party ?? '';
            return (
              <tr key={r.name}>
                <th scope="row">
                  <bdi>{r.name}</bdi> <span className="muted">({r.role})</span>
                </th>
                <td>
                  {r.role === 'supervisor' ? (
                    <span className="muted">yes (every supervisor)</span>
                  ) : (
                    <label className="check">
                      <input type="checkbox" checked={r.reviewer} disabled={act.busy} onChange={(e) => void setReviewer(r.name, e.target.checked, p)} /> {r.reviewer ? 'yes' : 'no'}
                    </label>
                  )}
                </td>
                <td>
                  <input aria-label={`Party of ${r.name}`} value={p} maxLength={20} size={8} onChange={(e) => setParty({ ...party, [r.name]: e.target.value })} />
                </td>
                <td>
                  <button type="button" disabled={act.busy} onClick={() => void setReviewer(r.name, r.reviewer || r.role === 'supervisor', p)}>
                    Save party
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Done message={rowOk} testId="saved-reviewer" />
      <Problem message={act.error ?? reviewers.error} onDismiss={() => (act.dismiss(), reviewers.reload())} testId="problem-reviewer" />
      <div className="fields">
        <label>
          Blind sample of first-look matches (percent)
          <input name="sampleRate" inputMode="decimal" disabled={!loaded} value={shown.sampleRate} onChange={(e) => set('sampleRate', e.target.value)} />
        </label>
        <label>
          A rejection needs two reviewers of different parties
          <select name="bipartisan" disabled={!loaded} value={shown.bipartisan} onChange={(e) => set('bipartisan', e.target.value)}>
            <option value="no">as the state’s rules say</option>
            <option value="yes">yes, always (this office’s rule)</option>
          </select>
        </label>
        <label>
          Picture of the envelope from the scanner
          <select name="capture" disabled={!loaded} value={shown.capture} onChange={(e) => set('capture', e.target.value)}>
            {(Object.keys(CAPTURE_WORDS) as Capture[]).map((k) => (
              <option key={k} value={k}>
                {CAPTURE_WORDS[k]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Envelope scanner (its SANE name)
          <input name="device" disabled={!loaded} value={shown.device} placeholder="for example fujitsu:fi-7160:123" onChange={(e) => set('device', e.target.value)} />
        </label>
        <label>
          Sorter’s picture folder
          <input name="sorterFolder" disabled={!loaded} value={shown.sorter} onChange={(e) => set('sorter', e.target.value)} />
        </label>
        <label>
          Keep pictures for (days; empty: the state’s rule)
          <input name="retentionDays" inputMode="numeric" disabled={!loaded} value={shown.days} onChange={(e) => set('days', e.target.value)} />
        </label>
        <label>
          Picture on cure notices
          <select name="cureNoticeImage" disabled={!loaded} value={shown.noticePicture} onChange={(e) => set('noticePicture', e.target.value)}>
            {Object.entries(NOTICE_PICTURE_WORDS).map(([k, words]) => (
              <option key={k} value={k}>
                {words}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="save-row">
        <button type="button" className="primary" disabled={!loaded} onClick={() => void save()}>
          Save signature review and pictures
        </button>
        <Done message={ok} testId="saved-review-settings" />
      </div>
      <Problem message={error} onDismiss={() => setError(null)} testId="problem-review-settings" />
    </section>
  );
}
