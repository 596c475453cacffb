import '../images.css';
import { useCallback, useEffect, useRef, useState } from 'react';
import { MAX_ATTACH_BASE64 } from '../../shared/api/methods/images.js';
import type { ScanOutcomeDto } from '../../shared/api/schemas.js';
import { api } from '../api.js';
import { cameraChoice, cameraError, closeCamera, grabFrame, openCamera, toBase64 } from '../camera.js';
import { plainError } from '../useApi.js';

/** What fits in one API message once base64 has grown it by a third. */
const MAX_FRAME_BYTES = Math.floor((MAX_ATTACH_BASE64 * 3) / 4);

type Outcome = { ok: true; text: string } | { ok: false; text: string };

/**
 * The document camera on the Scan screen: what it sees, and Alt+C to keep the picture as the
 * back of the envelope just scanned. Shown only when this computer has a camera chosen in
 * Settings; the camera runs only while the Scan screen is open.
 */
export function CameraCapture({ target }: { target: ScanOutcomeDto | null }) {
  const choice = cameraChoice();
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const targetSeq = target?.seq ?? 0;
  useEffect(() => setOutcome(null), [targetSeq]); // a new envelope: the last one's outcome is old news

  useEffect(() => {
    if (!choice) return;
    let stream: MediaStream | null = null;
    let gone = false;
    openCamera(choice).then(
      (s) => {
        if (gone) return closeCamera(s);
        stream = s;
        setProblem(null);
        if (video.current) video.current.srcObject = s;
      },
      (e: unknown) => !gone && setProblem(cameraError(e)),
    );
    return () => {
      gone = true;
      closeCamera(stream);
    };
  }, [choice?.deviceId]);

  const capture = useCallback(async () => {
    if (!target || busy || !video.current) return;
    setBusy(true);
    setOutcome(null);
    const ballot = target.ballotId ?? target.raw;
    try {
      const frame = await grabFrame(video.current, MAX_FRAME_BYTES);
      const r = await api.call('images.attach', {
        seq: target.seq,
        dataBase64: toBase64(frame.bytes),
        source: 'camera',
      });
      const crop = r.images.find((i) => i.kind === 'signature');
      setOutcome({
        ok: true,
        text: `Back of ${ballot} kept${crop ? `, signature cut out (${crop.design ?? 'envelope'} design)` : ': no signature box is set for this envelope design (Settings)'}.`,
      });
    } catch (e) {
      setOutcome({
        ok: false,
        text: `Not kept for ${ballot}: ${plainError(e).replace(/^./, (c) => c.toLowerCase())}`,
      });
    } finally {
      setBusy(false);
    }
  }, [target, busy]);

  useEffect(() => {
    if (!choice) return;
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.key.toLowerCase() !== 'c') return;
      e.preventDefault();
      void capture();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [capture, choice]);

  if (!choice) return null;
  return (
    <section className="card camera-card" aria-labelledby="camera-heading">
      <h2 id="camera-heading">Envelope back (camera)</h2>
      <video
        ref={video}
        className="camera-preview"
        autoPlay
        muted
        playsInline
        aria-label={`What the camera “${choice.label}” sees`}
      />
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <button
        type="button"
        className="capture"
        disabled={!target || busy || problem !== null}
        onClick={(e) => {
          e.currentTarget.blur(); // a scanner's Enter must never press it
          void capture();
        }}
        aria-keyshortcuts="Alt+C"
      >
        {target
          ? `Capture the back of ${target.ballotId ?? target.raw}`
          : 'Scan an envelope, then capture its back'}{' '}
        <kbd>Alt+C</kbd>
      </button>
      {outcome && (
        <p
          className={outcome.ok ? 'ok small' : 'error small'}
          role={outcome.ok ? 'status' : 'alert'}
          data-testid="capture-outcome"
        >
          {outcome.text}
        </p>
      )}
    </section>
  );
}
