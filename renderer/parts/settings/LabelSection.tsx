import { useEffect, useState, type FormEvent } from 'react';
import type { LabelRule } from '../../../shared/barcode/index.js';
import { api } from '../../api.js';
import { plainError } from '../../useApi.js';
import { Done, Problem } from '../Notes.js';
import { resultWords, saveSettings } from './save.js';
import { useAfterReload } from './after-reload.js';

const CHARSETS = { digits: 'digits only', alnum: 'letters and digits', code39: 'Code 39 characters' } as const;
const CHECKS = { none: 'no check digit', mod10: 'mod 10', mod11: 'mod 11', luhn: 'Luhn', mod43: 'mod 43 (Code 39)' } as const;
type Draft = { own: boolean; prefix: string; length: string; charset: keyof typeof CHARSETS; checkDigit: keyof typeof CHECKS; carries: 'ballot' | 'voter' };

function draftOf(rule: LabelRule | null | undefined): Draft {
  return {
    own: !!rule,
    prefix: rule?.prefix ?? '',
    length: rule?.length !== undefined ? String(rule.length) : '',
    charset: rule?.charset ?? 'alnum',
    checkDigit: rule?.checkDigit ?? 'none',
    carries: rule?.carries ?? 'ballot',
  };
}

/** The draft as a rule, or why it is not one yet. */
function ruleOf(d: Draft): { ok: true; rule: LabelRule | null } | { ok: false; error: string } {
  if (!d.own) return { ok: true, rule: null };
  if (d.length && !/^\d+$/.test(d.length)) return { ok: false, error: 'Length: type a whole number, or leave it empty for any length.' };
  const rule: LabelRule = { charset: d.charset, checkDigit: d.checkDigit, carries: d.carries, ...(d.prefix ? { prefix: d.prefix } : {}), ...(d.length ? { length: Number(d.length) } : {}) };
  return { ok: true, rule };
}

const MAILER = /^([0-8]\d{5}|9\d{8})$/;

/** The office's envelope labels: IMb mailer IDs as a list, the label rule as a form with a live check. */
export function LabelSection({ values, loaded, onSaved }: { values: Record<string, unknown>; loaded: boolean; onSaved: () => void }) {
  const storedIds = (values['imbMailerIds'] as string[] | undefined) ?? [];
  const storedRule = values['labelRule'] as LabelRule | null | undefined;
  const [ids, setIds] = useState<string[] | null>(null);
  const [newId, setNewId] = useState('');
  const [draft, setDraft] = useState<Draft | null>(null);
  const afterReload = useAfterReload(values);
  const [sample, setSample] = useState('');
  const [check, setCheck] = useState<{ ok: boolean; text: string } | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = ids ?? storedIds;
  const d = draft ?? draftOf(storedRule);
  const rule = ruleOf(d);

  // The sample is checked against the rule as typed, on every change.
  useEffect(() => {
    if (!sample.trim()) return setCheck(null);
    if (!rule.ok) return setCheck({ ok: false, text: rule.error });
    let live = true;
    api.call('settings.labelRuleCheck', { rule: rule.rule, sample }).then(
      (r) => {
        if (!live) return;
        const label = r['label'] as { ok: boolean; value?: { id: string; carries: string }; error?: string };
        const decode = r['decode'] as { ok: boolean; kind?: string; mailerId?: string; serial?: string };
        if (decode.ok && decode.kind === 'imb') setCheck({ ok: true, text: `An Intelligent Mail barcode: mailer ${decode.mailerId ?? '?'}, serial ${decode.serial ?? '?'}.` });
        else if (label.ok && label.value) setCheck({ ok: true, text: `Reads as ${label.value.carries === 'voter' ? 'voter' : 'ballot'} ID ${label.value.id}.` });
        else setCheck({ ok: false, text: `Not a valid label: ${label.error ?? 'unreadable'}.` });
      },
      (e: unknown) => live && setCheck({ ok: false, text: plainError(e) }),
    );
    return () => {
      live = false;
    };
  }, [sample, JSON.stringify(rule)]);

  const addId = () => {
    const v = newId.trim();
    if (!MAILER.test(v)) return setError('A mailer ID is 6 digits (not starting with 9) or 9 digits starting with 9.');
    if (list.includes(v)) return setError(`${v} is already in the list.`);
    setError(null);
    setIds([...list, v]);
    setNewId('');
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!rule.ok) return setError(`Not saved: ${rule.error}`);
    const changes = [];
    if (ids) changes.push({ key: 'imbMailerIds' as const, label: 'Mailer IDs', value: ids });
    if (draft) changes.push({ key: 'labelRule' as const, label: 'Label rule', value: rule.rule });
    const words = resultWords(await saveSettings(changes));
    setOk(words.ok);
    setError(words.error);
    const sent = { ids, draft };
    if (!words.error)
      afterReload(() => {
        setIds((v) => (v === sent.ids ? null : v));
        setDraft((v) => (v === sent.draft ? null : v));
      });
    onSaved();
  };
  const set = (p: Partial<Draft>) => setDraft({ ...d, ...p });

  return (
    <form className="card settings-form" aria-labelledby="labels-title" onSubmit={(e) => void save(e)}>
      <h2 id="labels-title">Envelope barcodes</h2>
      <fieldset>
        <legend>Our IMb mailer IDs (envelopes of other mailers are another county's)</legend>
        <ul className="list-editor" aria-label="Mailer IDs">
          {list.map((id) => (
            <li key={id}>
              <span className="mono">{id}</span>
              <button type="button" onClick={() => setIds(list.filter((x) => x !== id))} aria-label={`Remove mailer ID ${id}`}>
                Remove
              </button>
            </li>
          ))}
          {list.length === 0 && <li className="muted">None: envelopes of any mailer are taken.</li>}
        </ul>
        <div className="inline-form">
          <label htmlFor="new-mailer">Add a mailer ID</label>
          <input
            id="new-mailer"
            name="newMailerId"
            inputMode="numeric"
            size={10}
            value={newId}
            disabled={!loaded}
            onChange={(e) => setNewId(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                addId();
              }
            }}
          />
          <button type="button" onClick={addId} disabled={!loaded}>
            Add
          </button>
        </div>
      </fieldset>
      <fieldset>
        <legend>The office's own label</legend>
        <label className="check">
          <input type="checkbox" name="ownLabel" checked={d.own} disabled={!loaded} onChange={(e) => set({ own: e.target.checked })} /> Our envelopes carry a label of our own (otherwise any 4 to 40 printable characters are taken as a ballot ID)
        </label>
        {d.own && (
          <div className="row">
            <label>
              Starts with
              <input name="labelPrefix" size={8} value={d.prefix} onChange={(e) => set({ prefix: e.target.value })} />
            </label>
            <label>
              Length after the prefix
              <input name="labelLength" size={4} inputMode="numeric" value={d.length} onChange={(e) => set({ length: e.target.value })} />
            </label>
            <label>
              Characters
              <select name="labelCharset" value={d.charset} onChange={(e) => set({ charset: e.target.value as Draft['charset'] })}>
                {Object.entries(CHARSETS).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Check digit
              <select name="labelCheck" value={d.checkDigit} onChange={(e) => set({ checkDigit: e.target.value as Draft['checkDigit'] })}>
                {Object.entries(CHECKS).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
            <label>
              The label carries the
              <select name="labelCarries" value={d.carries} onChange={(e) => set({ carries: e.target.value as Draft['carries'] })}>
                <option value="ballot">ballot ID</option>
                <option value="voter">voter ID</option>
              </select>
            </label>
          </div>
        )}
        <div className="inline-form">
          <label htmlFor="label-sample">Try a label</label>
          <input id="label-sample" name="labelSample" size={24} value={sample} onChange={(e) => setSample(e.target.value)} />
          {check && (
            <span className={check.ok ? 'ok' : 'error'} role="status" data-testid="label-check">
              {check.text}
            </span>
          )}
        </div>
      </fieldset>
      <div className="save-row">
        <button className="primary" type="submit" disabled={!loaded}>
          Save envelope barcodes
        </button>
        <Done message={ok} testId="saved-labels" />
      </div>
      <Problem message={error} onDismiss={() => setError(null)} testId="problem-labels" />
    </form>
  );
}
