import { describe, expect, it } from 'vitest';
import { ScannerHub, type HubItem } from './hub.js';
import { MemoryScannerSource } from './memory.js';
import type { ScanEvent } from './types.js';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('ScannerHub', () => {
  it('hands scans over one at a time, in arrival order, never two at once', async () => {
    const a = new MemoryScannerSource('a');
    const b = new MemoryScannerSource('b');
    const seen: string[] = [];
    let active = 0;
    let maxActive = 0;
    const hub = new ScannerHub({
      onScan: async (s) => {
        active++;
        maxActive = Math.max(maxActive, active);
        await tick(s.text.endsWith('1') ? 5 : 0);
        seen.push(`${s.scannerId}:${s.text}`);
        active--;
      },
    });
    hub.add(a);
    hub.add(b);
    a.scan('A1');
    b.scan('B1');
    a.scan('A2');
    b.scan('B2');
    expect(hub.pending()).toBe(3);
    await hub.drain();
    expect(seen).toEqual(['a:A1', 'b:B1', 'a:A2', 'b:B2']);
    expect(maxActive).toBe(1);
  });

  it('a handler that throws is reported and the queue goes on', async () => {
    const a = new MemoryScannerSource('a');
    const errors: [string, HubItem][] = [];
    const handled: string[] = [];
    const hub = new ScannerHub({
      onScan: (s) => {
        if (s.text === 'BAD') throw new Error('boom');
        handled.push(s.text);
      },
      onFault: () => Promise.reject(new Error('fault handler down')),
      onHandlerError: (e, item) => errors.push([e instanceof Error ? e.message : String(e), item]),
    });
    hub.add(a);
    a.scan('OK1');
    a.scan('BAD');
    a.fault('cut off', 'PART');
    a.scan('OK2');
    await hub.drain();
    expect(handled).toEqual(['OK1', 'OK2']);
    expect(errors.map(([m, i]) => `${m}/${i.kind}`)).toEqual(['boom/scan', 'fault handler down/fault']);
  });

  it('faults go through the same queue, between the scans they came between', async () => {
    const a = new MemoryScannerSource('a');
    const order: string[] = [];
    const hub = new ScannerHub({
      onScan: (s) => void order.push(s.text),
      onFault: (f) => void order.push(`!${f.partial}`),
    });
    hub.add(a);
    a.scan('1');
    a.fault('over-long', 'XXXX');
    a.scan('2');
    await hub.drain();
    expect(order).toEqual(['1', '!XXXX', '2']);
  });

  it('merges statuses, starts what it adds, and keeps queued scans of a removed scanner', async () => {
    const a = new MemoryScannerSource('a', 'Left');
    const b = new MemoryScannerSource('b', 'Right');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const handled: ScanEvent[] = [];
    const hub = new ScannerHub({
      onScan: async (s) => {
        if (s.text === 'first') await gate;
        handled.push(s);
      },
    });
    const statusLog: string[] = [];
    hub.onStatus((s) => statusLog.push(`${s.scannerId}:${s.state}`));
    expect(hub.health()).toBe('none');
    hub.add(a);
    hub.add(b);
    expect(hub.statuses().map((s) => `${s.name}:${s.state}`)).toEqual(['Left:connected', 'Right:connected']);
    expect(hub.health()).toBe('ok');
    b.setState('disconnected', 'unplugged');
    expect(hub.health()).toBe('degraded');
    a.scan('first');
    a.scan('second');
    await hub.remove('a');
    expect(hub.ids()).toEqual(['b']);
    expect(() => hub.add(b)).toThrow(/already/);
    release();
    await hub.drain();
    expect(handled.map((s) => s.text)).toEqual(['first', 'second']);
    expect(statusLog).toEqual(['a:connected', 'b:connected', 'b:disconnected', 'a:disconnected']);
    await hub.stop();
    expect(hub.health()).toBe('none');
  });

  it('lets the event loop turn between queued scans, so ports are read and timers run', async () => {
    const a = new MemoryScannerSource('a');
    const order: string[] = [];
    const hub = new ScannerHub({
      onScan: (s) => {
        order.push(s.text);
        if (s.text === '1') setImmediate(() => order.push('loop turned'));
      },
    });
    hub.add(a);
    a.scan('1');
    a.scan('2');
    a.scan('3');
    await hub.drain();
    expect(order).toEqual(['1', 'loop turned', '2', '3']);
  });

  it('drain resolves at once when idle', async () => {
    await expect(new ScannerHub({ onScan: () => undefined }).drain()).resolves.toBeUndefined();
  });
});
