import '../images.css';
import { useEffect, useState } from 'react';
import type { ImageDto } from '../../shared/api/methods/images.js';
import { api } from '../api.js';
import { plainError } from '../useApi.js';
import { localDateTime } from '../words.js';
import { StoredImage } from './StoredImage.js';

const SOURCE_WORDS: Record<ImageDto['source'], string> = {
  sane: 'scanner',
  camera: 'camera',
  sorter: 'sorter',
  file: 'file',
};

/** "Envelope back, camera, Clara, today 2:41 PM". */
export function imageCaption(i: ImageDto): string {
  const what = i.kind === 'signature' ? `Signature cut out${i.design ? ` (${i.design})` : ''}` : 'Envelope';
  return `${what} · ${SOURCE_WORDS[i.source]} · ${i.capturedBy}, ${localDateTime(i.capturedAt)}`;
}

/** The stored pictures of these scans (a ballot's envelopes), small, each with who took it and when. */
export function BallotImages({ seqs }: { seqs: readonly number[] }) {
  const [images, setImages] = useState<ImageDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = seqs.join(',');
  useEffect(() => {
    let gone = false;
    setImages(null);
    setError(null);
    Promise.all(seqs.map((seq) => api.call('images.forScan', { seq }))).then(
      (rs) => !gone && setImages(rs.flatMap((r) => r.images)),
      (e: unknown) => !gone && setError(plainError(e)),
    );
    return () => {
      gone = true;
    };
  }, [key]);
  if (error) return <p className="error small">The envelope pictures could not be loaded: {error}</p>;
  if (!images || images.length === 0) return null;
  return (
    <div className="history-images" aria-label="Envelope pictures" role="group" data-testid="ballot-images">
      {images.map((i) => (
        <figure key={i.id}>
          {i.purgedAt ? (
            <div className="image-missing">Removed {localDateTime(i.purgedAt)} (records retention)</div>
          ) : (
            <StoredImage sha256={i.sha256} alt={imageCaption(i)} />
          )}
          <figcaption>{imageCaption(i)}</figcaption>
        </figure>
      ))}
    </div>
  );
}

/** The scans in a ballot's history, each once: their pictures are the ballot's. */
export function scanSeqsOf(history: readonly { event: string; seq?: number | undefined }[]): number[] {
  return [
    ...new Set(
      history.filter((h) => h.event === 'scan' && typeof h.seq === 'number').map((h) => h.seq as number),
    ),
  ];
}
