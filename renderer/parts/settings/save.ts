import type { ConfigKey } from '../../../shared/config.js';
import { api } from '../../api.js';
import { plainError } from '../../useApi.js';

export interface SaveResult {
  saved: string[];
  failed: { label: string; error: string }[];
}

/** Saves changed settings one by one; each refusal is kept with the field's own label. */
export async function saveSettings(changes: { key: ConfigKey; label: string; value: unknown }[]): Promise<SaveResult> {
  const out: SaveResult = { saved: [], failed: [] };
  for (const c of changes) {
    try {
      await api.call('settings.set', { key: c.key, value: c.value });
      out.saved.push(c.label);
    } catch (e) {
      // The station names the key ("imbMailerIds: …"): the label says it better.
      out.failed.push({ label: c.label, error: plainError(e).replace(new RegExp(`^${c.key}:\\s*`, 'i'), '') });
    }
  }
  return out;
}

export function resultWords(r: SaveResult): { ok: string | null; error: string | null } {
  return {
    ok: r.saved.length ? `Saved: ${r.saved.join(', ')}.` : r.failed.length ? null : 'Nothing changed.',
    error: r.failed.length ? `Not saved: ${r.failed.map((f) => `${f.label}: ${f.error.replace(/^./, (c) => c.toLowerCase())}`).join(' ')}` : null,
  };
}
