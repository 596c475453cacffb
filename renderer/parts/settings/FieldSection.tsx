import { useState, type FormEvent, type ReactNode } from 'react';
import { useAfterReload } from './after-reload.js';
import { Done, Problem } from '../Notes.js';
import { fromTyped, PROFILES, toTyped, type FieldDef } from './fields.js';
import { resultWords, saveSettings } from './save.js';

/**
 * A section of plain settings as one form: type, clear what is optional, one Save, the result
 * beside it. What was typed and not saved survives a reload of the settings; what was saved
 * stays on screen until the reloaded settings bring it back (never a flash of the old value).
 */
export function FieldSection({ title, defs, values, loaded, onSaved, extra }: { title: string; defs: FieldDef[]; values: Record<string, unknown>; loaded: boolean; onSaved: () => void; extra?: (key: string) => ReactNode }) {
  const initial = (k: string) => toTyped(defs.find((d) => d.key === k)?.kind ?? 'text', values[k]);
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [ok, setOk] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  // Saved values, shown until the settings reload after the save arrives with them.
  const [savedAs, setSavedAs] = useState<Record<string, string>>({});
  const afterReload = useAfterReload(values);
  const shown = (k: string) => typed[k] ?? savedAs[k] ?? initial(k);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    const changes: { key: FieldDef['key']; label: string; value: unknown }[] = [];
    for (const d of defs) {
      if (typed[d.key] === undefined || typed[d.key] === initial(d.key)) continue;
      const v = fromTyped(d, typed[d.key] ?? '');
      if (!v.ok) errors[d.key] = v.error;
      else changes.push({ key: d.key, label: d.label, value: v.value });
    }
    setFieldErrors(errors);
    if (Object.keys(errors).length) return setError(`Not saved: ${Object.values(errors).join(' ')}`);
    setBusy(true);
    const r = await saveSettings(changes);
    setBusy(false);
    const words = resultWords(r);
    setOk(words.ok);
    setError(words.error);
    setFieldErrors(Object.fromEntries(r.failed.map((f) => [defs.find((d) => d.label === f.label)?.key ?? '', f.error])));
    const wasSaved = (k: string) => r.saved.includes(defs.find((d) => d.key === k)?.label ?? '');
    setSavedAs((s) => ({ ...s, ...Object.fromEntries(Object.entries(typed).filter(([k]) => wasSaved(k))) }));
    afterReload(() => setSavedAs({}));
    setTyped((t) => Object.fromEntries(Object.entries(t).filter(([k]) => !wasSaved(k))));
    onSaved();
  };

  const id = title.toLowerCase().replace(/\W+/g, '-');
  return (
    <form className="card settings-form" aria-labelledby={id} onSubmit={(e) => void save(e)}>
      <h2 id={id}>{title}</h2>
      <div className="fields">
        {defs.map((d) => (
          <div key={d.key} className="field">
            <label htmlFor={`setting-${d.key}`}>{d.label}</label>
            <div className="inline-form">
              {d.kind === 'profile' ? (
                <select id={`setting-${d.key}`} name={`setting-${d.key}`} disabled={!loaded} value={shown(d.key) || 'generic'} onChange={(e) => setTyped({ ...typed, [d.key]: e.target.value })}>
                  {PROFILES.map((p) => (
                    <option key={p.code} value={p.code}>
                      {p.name}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={`setting-${d.key}`}
                  name={`setting-${d.key}`}
                  disabled={!loaded}
                  inputMode={d.kind === 'number' ? 'numeric' : undefined}
                  value={shown(d.key)}
                  aria-invalid={fieldErrors[d.key] ? true : undefined}
                  aria-describedby={d.hint ? `hint-${d.key}` : undefined}
                  onChange={(e) => setTyped({ ...typed, [d.key]: e.target.value })}
                />
              )}
              {d.optional && shown(d.key) !== '' && (
                <button type="button" disabled={!loaded} onClick={() => setTyped({ ...typed, [d.key]: '' })} aria-label={`Clear ${d.label}`}>
                  Clear
                </button>
              )}
            </div>
            {d.hint && (
              <div className="hint" id={`hint-${d.key}`}>
                {d.hint}
              </div>
            )}
            {extra?.(d.key)}
            {fieldErrors[d.key] && <div className="error">{fieldErrors[d.key]}</div>}
          </div>
        ))}
      </div>
      <div className="save-row">
        <button className="primary" type="submit" disabled={!loaded || busy}>
          Save {title.toLowerCase()}
        </button>
        <Done message={ok} testId={`saved-${id}`} />
      </div>
      <Problem message={error} onDismiss={() => setError(null)} testId={`problem-${id}`} />
    </form>
  );
}
