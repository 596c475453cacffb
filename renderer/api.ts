import { ApiClient, type Transport } from '../shared/api/client.js';
import type { ApiResponse } from '../shared/api/define.js';
import type { ApiEvent } from '../shared/api/events.js';

/** What the Electron preload exposes (main/electron/preload.cts); absent in a browser. */
interface IntakeBridge {
  invoke(method: string, input: unknown): Promise<ApiResponse<unknown>>;
  onEvent(listener: (e: ApiEvent) => void): () => void;
  pathForFile(file: File): string;
}

declare global {
  interface Window {
    intake?: IntakeBridge;
  }
}

/** The loopback transport: one WebSocket to `intake serve`, reconnected with backoff. */
class SocketTransport implements Transport {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (r: ApiResponse<unknown>) => void>();
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  private ready: Promise<void> | null = null;
  private retry = 250;
  onConnection: (up: boolean) => void = () => undefined;

  private connect(): Promise<void> {
    if (this.ready) return this.ready;
    this.ready = new Promise((resolve) => {
      const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`);
      ws.onopen = () => {
        this.retry = 250;
        this.onConnection(true);
        resolve();
      };
      ws.onmessage = (m) => {
        const msg = JSON.parse(String(m.data)) as { id?: number; response?: ApiResponse<unknown>; event?: string };
        if (typeof msg.id === 'number' && msg.response) {
          this.pending.get(msg.id)?.(msg.response);
          this.pending.delete(msg.id);
        } else if (msg.event) for (const l of this.listeners) l(msg as ApiEvent);
      };
      ws.onclose = () => {
        this.ws = null;
        this.ready = null;
        this.onConnection(false);
        for (const [, reject] of this.pending) reject({ ok: false, error: { code: 'failed', message: 'the connection to the station was lost: try again' } });
        this.pending.clear();
        setTimeout(() => void this.connect(), this.retry);
        this.retry = Math.min(this.retry * 2, 5000);
      };
      this.ws = ws;
    });
    return this.ready;
  }

  async invoke(method: string, input: unknown): Promise<ApiResponse<unknown>> {
    await this.connect();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws?.send(JSON.stringify({ id, method, input }));
    });
  }

  subscribe(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    void this.connect();
    return () => this.listeners.delete(listener);
  }
}

class IpcTransport implements Transport {
  constructor(private readonly bridge: IntakeBridge) {}
  invoke(method: string, input: unknown): Promise<ApiResponse<unknown>> {
    return this.bridge.invoke(method, input);
  }
  subscribe(listener: (e: ApiEvent) => void): () => void {
    return this.bridge.onEvent(listener);
  }
}

const socket = window.intake ? null : new SocketTransport();
export const api = new ApiClient(window.intake ? new IpcTransport(window.intake) : (socket as SocketTransport));

export function onConnectionChange(cb: (up: boolean) => void): void {
  if (socket) socket.onConnection = cb;
}

/** A roll file for import: read in place by path in Electron, uploaded to the station in a browser. */
export async function rollSource(file: File): Promise<{ path: string } | { uploadId: string }> {
  if (window.intake) return { path: window.intake.pathForFile(file) };
  const res = await fetch('/upload', { method: 'POST', body: file, credentials: 'same-origin' });
  if (!res.ok) throw new Error(`upload failed: ${await res.text()}`);
  const body = (await res.json()) as { uploadId: string };
  return { uploadId: body.uploadId };
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Saves text or bytes as a file the operator downloads. */
export function download(filename: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}
