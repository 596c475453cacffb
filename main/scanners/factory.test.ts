import { describe, expect, it } from 'vitest';
import { createScannerSource, parseHidOption, parseScannerConfig, parseSerialOption } from './factory.js';
import { ReconnectingSource } from './source.js';

describe('parseSerialOption', () => {
  it('fills the defaults: 9600 8N1, CR', () => {
    expect(parseSerialOption('/dev/ttyACM0')).toEqual({
      ok: true,
      value: {
        kind: 'serial',
        id: 'serial:/dev/ttyACM0',
        name: '/dev/ttyACM0',
        path: '/dev/ttyACM0',
        baudRate: 9600,
        dataBits: 8,
        parity: 'none',
        stopBits: 1,
        terminator: 'CR',
        prefix: '',
        suffix: '',
        interCharTimeoutMs: 50,
        maxLength: 512,
      },
    });
  });

  it('takes --baud and --terminator as the CLI gives them', () => {
    const r = parseSerialOption('COM3', { baud: '115200', terminator: 'crlf', id: 'desk', name: 'Desk' });
    expect(r).toMatchObject({
      ok: true,
      value: { path: 'COM3', baudRate: 115200, terminator: 'CRLF', id: 'desk', name: 'Desk' },
    });
  });

  it('says what is wrong', () => {
    expect(parseSerialOption('')).toMatchObject({ ok: false });
    expect(parseSerialOption('/dev/x', { baud: 'fast' })).toEqual({
      ok: false,
      error: '--baud must be a whole number, got "fast"',
    });
    expect(parseSerialOption('/dev/x', { terminator: 'EOT' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^--terminator must be one of CR, LF/) as string,
    });
    expect(parseSerialOption('/dev/x', { baud: 3 })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^baudRate:/) as string,
    });
  });
});

describe('parseHidOption', () => {
  it('VID:PID in hex, HID POS by default', () => {
    expect(parseHidOption('0c2e:0b61')).toEqual({
      ok: true,
      value: {
        kind: 'hid-pos',
        id: 'hid:0c2e:0b61',
        name: 'USB HID POS scanner 0c2e:0b61',
        vendorId: 0x0c2e,
        productId: 0x0b61,
        layout: 'auto',
        maxLength: 8192,
      },
    });
  });

  it('0x prefixes, a serial number, keyboard mode', () => {
    const r = parseHidOption('0x5E0:0x1200:S123', { mode: 'keyboard' });
    expect(r).toMatchObject({
      ok: true,
      value: {
        kind: 'hid-keyboard',
        id: 'hid:05e0:1200:S123',
        vendorId: 0x05e0,
        productId: 0x1200,
        serialNumber: 'S123',
        terminator: 'enter-or-tab',
      },
    });
  });

  it.each(['', '0c2e', '0c2e:', 'zz:01', '12345:1', '0c2e-0b61'])('rejects %j', (v) => {
    expect(parseHidOption(v)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^--hid must be VID:PID/) as string,
    });
  });
});

describe('parseScannerConfig and createScannerSource', () => {
  it('rejects unknown kinds and stray fields', () => {
    expect(parseScannerConfig({ kind: 'bluetooth', id: 'x', name: 'x' })).toMatchObject({ ok: false });
    expect(
      parseScannerConfig({ kind: 'serial', id: 'x', name: 'x', path: '/p', colour: 'red' }),
    ).toMatchObject({ ok: false });
  });

  it('round-trips through JSON, as the station saves it', () => {
    const r = parseHidOption('1eab:0d10');
    if (!r.ok) throw new Error(r.error);
    expect(parseScannerConfig(JSON.parse(JSON.stringify(r.value)))).toEqual(r);
  });

  it('builds a stopped source of each kind with the configured id and name', () => {
    for (const r of [
      parseSerialOption('/dev/ttyS9'),
      parseHidOption('0c2e:0b61'),
      parseHidOption('0c2e:0b61', { mode: 'keyboard' }),
    ]) {
      if (!r.ok) throw new Error(r.error);
      const s = createScannerSource(r.value);
      expect(s).toBeInstanceOf(ReconnectingSource);
      expect([s.id, s.name]).toEqual([r.value.id, r.value.name]);
      expect(s.status()).toMatchObject({ state: 'disconnected', reason: 'not started' });
    }
  });
});
