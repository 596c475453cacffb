import { useEffect, useRef, useState } from 'react';
import type { SignatureItem } from '../../../shared/api/methods/signatures.js';
import { StoredImage } from '../StoredImage.js';
import { dayWords } from './words.js';

const SOURCE_WORDS = { 'state-export': 'state record', 'prior-envelope': 'earlier envelope' } as const;

/** What the pair needs: the next envelope's pictures are known before its details are. */
export interface PairView {
  scanSeq: number;
  envelopeSha256: string | null;
  references: { sha256: string; capturedOn: string | null; source: SignatureItem['references'][number]['source'] | null }[];
}

export const pairOfItem = (i: SignatureItem): PairView => ({ scanSeq: i.scanSeq, envelopeSha256: i.envelopeSha256, references: i.references });
export const pairOfFollowing = (f: { scanSeq: number; envelopeSha256: string | null; referenceSha256s: string[] }): PairView => ({
  scanSeq: f.scanSeq,
  envelopeSha256: f.envelopeSha256,
  references: f.referenceSha256s.map((sha256) => ({ sha256, capturedOn: null, source: null })),
});

/**
 * The envelope's signature beside the signatures on file (newest first, each with its date).
 * Hovering a picture enlarges it; `zoomed` (Alt+Z) shows every picture at twice the size.
 * `onShown` is called once per envelope, on the first frame where every picture is painted.
 */
export function SignaturePair({ pair, zoomed, onShown }: { pair: PairView; zoomed: boolean; onShown: (scanSeq: number) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const reported = useRef<number | null>(null);
  const [loads, setLoads] = useState(0);
  const expected = (pair.envelopeSha256 ? 1 : 0) + pair.references.length;

  useEffect(() => {
    if (reported.current === pair.scanSeq || !box.current) return;
    const imgs = [...box.current.querySelectorAll('img')];
    if (imgs.length !== expected || !imgs.every((i) => i.complete && i.naturalWidth > 0)) return;
    reported.current = pair.scanSeq;
    const seq = pair.scanSeq;
    requestAnimationFrame(() => onShown(seq));
  });
  const loaded = () => setLoads((n) => n + 1);

  return (
    <div ref={box} className={`signature-pair${zoomed ? ' zoomed' : ''}`} data-loads={loads} data-testid="signature-pair" data-scan={pair.scanSeq}>
      <figure className="envelope-signature">
        <figcaption>On the envelope</figcaption>
        {pair.envelopeSha256 ? (
          <StoredImage sha256={pair.envelopeSha256} alt="The signature on the envelope" className="sig-image" onShown={loaded} />
        ) : (
          <div className="sig-image image-missing">No image of this envelope was stored: look at the envelope itself.</div>
        )}
      </figure>
      <div className="on-file">
        <h2 className="on-file-title">On file {pair.references.length > 0 ? `(${pair.references.length}, newest first)` : ''}</h2>
        {pair.references.length === 0 ? (
          <p className="muted">No signature of this voter is on file.</p>
        ) : (
          <ol className="references">
            {pair.references.map((r, i) => (
              <li key={`${i}-${r.sha256}`}>
                <figure>
                  <StoredImage sha256={r.sha256} alt={`Signature on file ${i + 1}${r.capturedOn ? `, signed ${dayWords(r.capturedOn)}` : ''}`} className="sig-image" onShown={loaded} />
                  <figcaption>{r.capturedOn && r.source ? `Signed ${dayWords(r.capturedOn)} · ${SOURCE_WORDS[r.source]}` : '\u00a0'}</figcaption>
                </figure>
              </li>
            ))}
          </ol>
        )}
      </div>
    </div>
  );
}
