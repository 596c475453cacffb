import { useEffect, useState } from 'react';
import { MAX_ATTACH_BASE64 } from '../../../shared/api/methods/images.js';
import { api } from '../../api.js';
import { toBase64 } from '../../camera.js';
import { imageUrl } from '../../images.js';
import { useAction, useQuery } from '../../useApi.js';
import { localDateTime } from '../../words.js';
import { BoxDrawer, type Box } from '../BoxDrawer.js';
import { Done, Problem } from '../Notes.js';
import { saveSettings, resultWords } from './save.js';

const NEW = '';
const START: Box = { x: 0.1, y: 0.6, w: 0.45, h: 0.2 };

/** A sample picture: one stored at the station, or a file picked here (sent with the template). */
type Sample =
  | { kind: 'stored'; sha256: string; url: string }
  | { kind: 'file'; base64: string; url: string; name: string };

/**
 * Where the signature sits on each envelope design: pick a sample picture of the design, draw
 * the box on it (mouse, or arrow keys and Shift+arrow keys), save. New images are cut by the
 * design chosen as the one in use.
 */
export function TemplateSection({ onAuthLost }: { onAuthLost: (why: string) => void }) {
  const list = useQuery(() => api.call('images.templates.list', {}), [], onAuthLost);
  const [design, setDesign] = useState<string>(NEW);
  const [name, setName] = useState('');
  const [box, setBox] = useState<Box>(START);
  const [sample, setSample] = useState<Sample | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const { error, busy, run, setError, dismiss } = useAction(onAuthLost);
  const templates = list.data?.templates ?? [];
  const chosen = templates.find((t) => t.design === design) ?? null;

  // Choosing a saved design shows its box on its own sample.
  useEffect(() => {
    if (!chosen) return setSample(null);
    setBox(chosen.rect);
    setSample(null);
    if (!chosen.sampleSha256) return;
    const sha = chosen.sampleSha256;
    imageUrl(sha).then(
      (url) => setSample({ kind: 'stored', sha256: sha, url }),
      () =>
        setError('The sample picture of this design could not be loaded: pick a picture file of the design.'),
    );
  }, [chosen?.design, chosen?.sampleSha256]);

  // The default (first) design once the list arrives.
  useEffect(() => {
    const first = list.data?.current ?? list.data?.templates[0]?.design;
    if (first && design === NEW && !name) setDesign(first);
  }, [list.data]);

  const pickFile = async (file: File | undefined) => {
    if (!file) return;
    dismiss();
    const bytes = new Uint8Array(await file.arrayBuffer());
    const base64 = toBase64(bytes);
    if (base64.length > MAX_ATTACH_BASE64)
      return setError(
        `That picture is ${Math.round(file.size / 1000)} KB: a sample may be at most ${Math.floor((MAX_ATTACH_BASE64 * 3) / 4 / 1000)} KB. Save it smaller (JPEG or WebP) and pick it again.`,
      );
    setSample({ kind: 'file', base64, url: URL.createObjectURL(file), name: file.name });
  };

  const designName = design === NEW ? name.trim() : design;
  const save = async () => {
    setOk(null);
    if (!designName)
      return setError(
        'Type a name for the envelope design first, for example “2026 general return envelope”.',
      );
    const saved = await run(() =>
      api.call('images.templates.save', {
        design: designName,
        rect: box,
        ...(sample?.kind === 'file'
          ? { sampleBase64: sample.base64 }
          : sample?.kind === 'stored'
            ? { sampleSha256: sample.sha256 }
            : {}),
      }),
    );
    if (!saved) return;
    setOk(`Saved the signature box of “${saved.design}”.`);
    setDesign(saved.design);
    setName('');
    list.reload();
  };
  const useDesign = async () => {
    const w = resultWords(
      await saveSettings([{ key: 'images.design', label: 'Design in use', value: designName }]),
    );
    setOk(w.ok && `New envelope images are cut by “${designName}”.`);
    setError(w.error);
    list.reload();
  };

  return (
    <section className="card settings-form templates" aria-labelledby="templates-title">
      <h2 id="templates-title">Signature box per envelope design</h2>
      <div className="row">
        <label>
          Envelope design
          <select
            name="design"
            value={design}
            onChange={(e) => {
              setOk(null);
              setDesign(e.target.value);
            }}
          >
            {templates.map((t) => (
              <option key={t.design} value={t.design}>
                {t.design}
                {t.design === list.data?.current ? ' (in use)' : ''}
              </option>
            ))}
            <option value={NEW}>a new design…</option>
          </select>
        </label>
        {design === NEW && (
          <label>
            Name of the new design
            <input name="designName" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
          </label>
        )}
        <label>
          Sample picture of the design
          <input
            name="sample"
            type="file"
            accept="image/jpeg,image/png,image/webp"
            onChange={(e) => void pickFile(e.target.files?.[0])}
          />
        </label>
      </div>
      {chosen && (
        <p className="muted small">
          Saved {localDateTime(chosen.updatedAt)} by <bdi>{chosen.updatedBy}</bdi>
          {chosen.design === list.data?.current ? '; new envelope images are cut by this design.' : '.'}
        </p>
      )}
      {sample ? (
        <>
          <p className="muted small">
            Draw the box around where the voter signs: press, drag and release; or Tab to the box and move it
            with the arrow keys, resize it with Shift+arrow keys (add Ctrl for small steps).
          </p>
          <BoxDrawer
            src={sample.url}
            alt={`Sample envelope of the design ${designName || 'being set up'}`}
            box={box}
            onChange={setBox}
            label="Signature box"
          />
        </>
      ) : (
        <p className="muted">
          Pick a sample picture of the envelope (a scan or a photo of its back) to draw the signature box on.
        </p>
      )}
      <div className="save-row">
        <button type="button" className="primary" disabled={busy || !sample} onClick={() => void save()}>
          Save the signature box
        </button>
        {chosen && chosen.design !== list.data?.current && (
          <button type="button" onClick={() => void useDesign()}>
            Cut new images by this design
          </button>
        )}
        <Done message={ok} testId="saved-template" />
      </div>
      <Problem
        message={error ?? list.error}
        onDismiss={() => (dismiss(), list.reload())}
        testId="problem-template"
      />
    </section>
  );
}
