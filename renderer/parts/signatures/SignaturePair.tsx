import { useEffect, useRef, useState } from 'react';
import type { SignatureItem } from '../../../shared/api/methods/signatures.js';
import { StoredImage } from '../StoredImage.js';
import { dayWords } from './words.js';

const SOURCE_WORDS = { 'state-export': 'state record', 'prior-envelope': 'earlier envelope' } as const;

/**
 * The envelope's signature beside the signatures on file (newest first, each with its date).
 * Hovering a picture enlarges it; `zoomed` (Alt+Z) shows every picture at twice the size.
 * `onShown` is called once per envelope, on the first frame where every picture is painted.
 */
export function SignaturePair({
  item,
  zoomed,
  onShown,
}: {
  item: SignatureItem;
  zoomed: boolean;
  onShown: (scanSeq: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const reported = useRef<number | null>(null);
  const [loads, setLoads] = useState(0);
  const expected = (item.envelopeSha256 ? 1 : 0) + item.references.length;

  useEffect(() => {
    if (reported.current === item.scanSeq || !box.current) return;
    const imgs = [...box.current.querySelectorAll('img')];
    if (imgs.length !== expected || !imgs.every((i) => i.complete && i.naturalWidth > 0)) return;
    reported.current = item.scanSeq;
    const seq = item.scanSeq;
    requestAnimationFrame(() => onShown(seq));
  });
  const loaded = () => setLoads((n) => n + 1);

  return (
    <div
      ref={box}
      className={`signature-pair${zoomed ? ' zoomed' : ''}`}
      data-loads={loads}
      data-testid="signature-pair"
      data-scan={item.scanSeq}
    >
      <figure className="envelope-signature">
        <figcaption>On the envelope</figcaption>
        {item.envelopeSha256 ? (
          <StoredImage
            sha256={item.envelopeSha256}
            alt="The signature on the envelope"
            className="sig-image"
            onShown={loaded}
          />
        ) : (
          <div className="sig-image image-missing">
            No image of this envelope was stored: look at the envelope itself.
          </div>
        )}
      </figure>
      <div className="on-file">
        <h2 className="on-file-title">
          On file {item.references.length > 0 ? `(${item.references.length}, newest first)` : ''}
        </h2>
        {item.references.length === 0 ? (
          <p className="muted">No signature of this voter is on file.</p>
        ) : (
          <ol className="references">
            {item.references.map((r, i) => (
              <li key={r.referenceId}>
                <figure>
                  <StoredImage
                    sha256={r.sha256}
                    alt={`Signature on file ${i + 1}, signed ${dayWords(r.capturedOn)}`}
                    className="sig-image"
                    onShown={loaded}
                  />
                  <figcaption>
                    Signed {dayWords(r.capturedOn)} · {SOURCE_WORDS[r.source]}
                  </figcaption>
                </figure>
              </li>
            ))}
          </ol>
        )}
      </div>
    </div>
  );
}
