import { describe, expect, it } from 'vitest';
import { parseAim, stripScannerSuffix } from './aim.js';

describe('parseAim', () => {
  it.each([
    [']C0B123', ']C0', 'code128', 'B123'],
    [']C10100012345678905', ']C1', 'gs1-128', '0100012345678905'],
    [']C2X', ']C2', 'code128', 'X'],
    [']A0CODE39', ']A0', 'code39', 'CODE39'],
    [']A7CODE39', ']A7', 'code39', 'CODE39'],
    [']E04006381333931', ']E0', 'ean-upc', '4006381333931'],
    [']I012345678', ']I0', 'itf', '12345678'],
    [']L2fields', ']L2', 'pdf417', 'fields'],
    [']Q1https://x', ']Q1', 'qr', 'https://x'],
    [']Q6x', ']Q6', 'qr', 'x'],
    [']d1ABC', ']d1', 'datamatrix', 'ABC'],
    [']d2ABC', ']d2', 'datamatrix', 'ABC'],
    [']X0FADT', ']X0', 'other', 'FADT'],
    [']x9data', ']x9', 'unknown', 'data'],
    [']C9data', ']C9', 'unknown', 'data'],
    [']D1data', ']D1', 'unknown', 'data'],
  ])('%j → %s %s', (text, aim, symbology, data) => {
    expect(parseAim(text)).toEqual({ aim, symbology, data });
  });

  it('leaves text without a prefix alone', () => {
    expect(parseAim('B123')).toEqual({ aim: null, symbology: null, data: 'B123' });
    expect(parseAim(']C')).toEqual({ aim: null, symbology: null, data: ']C' });
    expect(parseAim(']1C0')).toEqual({ aim: null, symbology: null, data: ']1C0' });
    expect(parseAim('x]C0')).toEqual({ aim: null, symbology: null, data: 'x]C0' });
    expect(parseAim('')).toEqual({ aim: null, symbology: null, data: '' });
  });

  it('strips trailing CR, LF and Tab, but not inner ones or spaces', () => {
    expect(parseAim(']C0B123\r\n')).toEqual({ aim: ']C0', symbology: 'code128', data: 'B123' });
    expect(parseAim('B123\t')).toEqual({ aim: null, symbology: null, data: 'B123' });
    expect(parseAim(']C0\r')).toEqual({ aim: ']C0', symbology: 'code128', data: '' });
    expect(stripScannerSuffix('A\r\nB\n\r\t')).toBe('A\r\nB');
    expect(stripScannerSuffix('B1 ')).toBe('B1 ');
  });
});
