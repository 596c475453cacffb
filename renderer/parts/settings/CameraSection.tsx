import '../../images.css';
import { useEffect, useRef, useState } from 'react';
import {
  cameraChoice,
  cameraError,
  closeCamera,
  listCameras,
  openCamera,
  saveCameraChoice,
  type CameraChoice,
} from '../../camera.js';
import { Done, Problem } from '../Notes.js';

/**
 * The document camera of this desk: find the cameras, choose one, see what it sees, save the
 * choice on this computer. The Scan screen then captures an envelope's back with Alt+C.
 */
export function CameraSection() {
  const [saved, setSaved] = useState<CameraChoice | null>(cameraChoice());
  const [found, setFound] = useState<CameraChoice[] | null>(null);
  const [picked, setPicked] = useState<string>(saved?.deviceId ?? '');
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const video = useRef<HTMLVideoElement>(null);

  const find = async () => {
    setError(null);
    try {
      const list = await listCameras();
      setFound(list);
      if (!picked && list[0]) setPicked(list[0].deviceId);
      if (list.length === 0)
        setError('No camera found on this computer: plug the document camera in, then find cameras again.');
    } catch (e) {
      setError(cameraError(e));
    }
  };

  // The preview runs only while it is asked for, and stops when the section goes away.
  useEffect(() => {
    if (!live || !picked) return;
    let stream: MediaStream | null = null;
    let gone = false;
    openCamera({ deviceId: picked, label: '' }).then(
      (s) => {
        if (gone) return closeCamera(s);
        stream = s;
        if (video.current) video.current.srcObject = s;
      },
      (e: unknown) => {
        setError(cameraError(e));
        setLive(false);
      },
    );
    return () => {
      gone = true;
      closeCamera(stream);
    };
  }, [live, picked]);

  const save = () => {
    const choice = found?.find((c) => c.deviceId === picked) ?? (saved?.deviceId === picked ? saved : null);
    saveCameraChoice(choice);
    setSaved(choice);
    setOk(
      choice
        ? `Saved: the Scan screen uses “${choice.label}” (Alt+C captures an envelope’s back).`
        : 'Saved: no camera on this computer.',
    );
  };

  return (
    <section className="card settings-form camera-settings" aria-labelledby="camera-title">
      <h2 id="camera-title">Document camera on this computer</h2>
      <p className="muted">
        {saved ? (
          <>
            In use: <bdi>{saved.label}</bdi>.
          </>
        ) : (
          'No camera chosen: envelope images come from the scanner or the sorter only.'
        )}
      </p>
      <div className="row">
        <button type="button" onClick={() => void find()}>
          Find cameras
        </button>
        {found && found.length > 0 && (
          <label>
            Camera
            <select name="camera" value={picked} onChange={(e) => setPicked(e.target.value)}>
              {found.map((c) => (
                <option key={c.deviceId} value={c.deviceId}>
                  {c.label}
                </option>
              ))}
              <option value="">no camera</option>
            </select>
          </label>
        )}
        {picked && (
          <button type="button" aria-pressed={live} onClick={() => setLive((v) => !v)}>
            {live ? 'Stop the preview' : 'Show what it sees'}
          </button>
        )}
      </div>
      {live && (
        <video
          ref={video}
          className="camera-preview"
          autoPlay
          muted
          playsInline
          aria-label="What the chosen camera sees"
        />
      )}
      <div className="save-row">
        <button type="button" className="primary" disabled={!found && !saved} onClick={save}>
          Save camera
        </button>
        <Done message={ok} testId="saved-camera" />
      </div>
      <Problem message={error} onDismiss={() => setError(null)} testId="problem-camera" />
    </section>
  );
}
