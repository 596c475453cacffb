/**
 * The document camera over the desk, through the browser's own media API (W3C Media Capture
 * and Streams, getUserMedia). Which camera is a choice of this computer, like its sound: kept
 * in this browser's storage, not in the station's settings (another desk has other cameras).
 */

const KEY = 'intake.camera';

export interface CameraChoice {
  deviceId: string;
  label: string;
}

export function cameraChoice(): CameraChoice | null {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as unknown;
    if (v && typeof v === 'object' && typeof (v as CameraChoice).deviceId === 'string')
      return { deviceId: (v as CameraChoice).deviceId, label: String((v as CameraChoice).label ?? '') };
  } catch {
    // an unreadable choice is no choice
  }
  return null;
}

export function saveCameraChoice(c: CameraChoice | null): void {
  if (c) localStorage.setItem(KEY, JSON.stringify(c));
  else localStorage.removeItem(KEY);
}

/** The browser's refusals, said as the clerk can act on them. */
export function cameraError(e: unknown): string {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'The camera was not allowed: allow this station to use the camera, then try again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'The chosen camera is not plugged in: plug it in, or choose another in Settings.';
  if (name === 'NotReadableError')
    return 'The camera is busy in another program: close it there and try again.';
  if (!navigator.mediaDevices) return 'This window cannot use a camera.';
  return `The camera did not start: ${e instanceof Error ? e.message : String(e)}`;
}

/** Cameras on this computer. Their names are hidden until the camera has been allowed once, so ask first. */
export async function listCameras(): Promise<CameraChoice[]> {
  if (!navigator.mediaDevices) throw new Error('This window cannot use a camera.');
  let devices = await navigator.mediaDevices.enumerateDevices();
  if (devices.some((d) => d.kind === 'videoinput' && !d.label)) {
    const s = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    s.getTracks().forEach((t) => t.stop());
    devices = await navigator.mediaDevices.enumerateDevices();
  }
  return devices
    .filter((d) => d.kind === 'videoinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
}

/** Opens the chosen camera at the best resolution it offers up to full HD (enough for a signature). */
export async function openCamera(choice: CameraChoice): Promise<MediaStream> {
  if (!navigator.mediaDevices) throw new Error('This window cannot use a camera.');
  return navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { deviceId: { exact: choice.deviceId }, width: { ideal: 1920 }, height: { ideal: 1080 } },
  });
}

export function closeCamera(stream: MediaStream | null): void {
  stream?.getTracks().forEach((t) => t.stop());
}

/** The frame the video element shows now, as JPEG bytes (JPEG: every browser encodes it; the station re-encodes anyway). */
export async function grabFrame(
  video: HTMLVideoElement,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; width: number; height: number }> {
  const width = video.videoWidth;
  const height = video.videoHeight;
  if (!width || !height) throw new Error('The camera shows no picture yet: wait a moment and try again.');
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d');
  if (!g) throw new Error('This window cannot draw the picture.');
  g.drawImage(video, 0, 0, width, height);
  // Lower the quality step by step until the frame fits what the station takes in one message.
  for (const quality of [0.92, 0.85, 0.75, 0.6, 0.45]) {
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', quality));
    if (!blob) throw new Error('This window could not encode the picture.');
    if (blob.size <= maxBytes) return { bytes: new Uint8Array(await blob.arrayBuffer()), width, height };
  }
  throw new Error('The picture is too large to send even at low quality: choose a lower resolution camera.');
}

/** Bytes as base64, in chunks (a spread of a megabyte overflows the call stack). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
