/**
 * Framing over real serial ports: socat ptys opened with the real serialport binding.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeScanners, serialScanner } from './serial-scanner.js';

afterEach(closeScanners);

describe('serial framing over a real pty', () => {
  it('a code split across reads, then several codes in one write', async () => {
    const { cable, c } = await serialScanner();
    await cable.write('BALLOT-');
    await c.bytes(7); // the first half has been read on its own
    expect(c.scans).toEqual([]);
    await cable.write('0001\r');
    await c.scanCount(1);
    await cable.write('BALLOT-0002\rBALLOT-0003\rBALLOT-0004\r');
    await c.scanCount(4);
    expect(c.texts()).toEqual(['BALLOT-0001', 'BALLOT-0002', 'BALLOT-0003', 'BALLOT-0004']);
    expect(c.scans.every((s) => s.scannerId === 'bench-1' && !Number.isNaN(Date.parse(s.at)))).toBe(true);
    expect(c.faults).toEqual([]);
  });

  it('CRLF split between two writes gives one code and no empty one', async () => {
    const { cable, c } = await serialScanner({ terminator: 'CRLF' });
    await cable.write('A-1\r');
    await c.scanCount(1);
    await cable.write('\n');
    await c.bytes(5);
    await cable.write('A-2\r\n');
    await c.scanCount(2);
    expect(c.texts()).toEqual(['A-1', 'A-2']);
  });

  it.each([
    ['LF', 'L1\nL2\n'],
    ['TAB', 'T1\tT2\t'],
    ['CR', 'C1\r\nC2\r\n'],
  ] as const)('terminator %s', async (terminator, input) => {
    const { cable, c } = await serialScanner({ terminator });
    await cable.write(input);
    await c.scanCount(2);
    expect(c.texts()).toEqual(input.split(/[\r\n\t]+/).filter((s) => s !== ''));
  });

  it('terminator NONE: the quiet spell after a burst ends the code', async () => {
    const { cable, c } = await serialScanner({ terminator: 'NONE', interCharTimeoutMs: 40 });
    await cable.write('NOSUFFIX-1');
    await c.scanCount(1);
    await cable.write('NOSUFFIX-2');
    await c.scanCount(2);
    expect(c.texts()).toEqual(['NOSUFFIX-1', 'NOSUFFIX-2']);
  });

  it('drops stray control bytes, keeps GS, strips prefix and suffix', async () => {
    const { cable, c } = await serialScanner({ prefix: '*', suffix: '#' });
    await cable.write('\x02*B-77#\x03\r\x11\x00\x13*]d2010\x1d21XYZ#\r\x07');
    await c.scanCount(2);
    expect(c.texts()).toEqual(['B-77', ']d2010\x1d21XYZ']);
    expect(c.faults).toEqual([]);
  });

  it('an over-long line: one fault, the port stays open, the next code is fine', async () => {
    const { cable, c, source } = await serialScanner({ maxLength: 64 });
    await cable.write('X'.repeat(200));
    await c.faultCount(1);
    await cable.write('Y'.repeat(100) + '\rGOOD-1\r');
    await c.scanCount(1);
    expect(c.texts()).toEqual(['GOOD-1']);
    expect(c.faults).toHaveLength(1);
    expect(c.faults[0]?.reason).toMatch(/longer than 64/);
    expect(c.faults[0]?.partial).toBe('X'.repeat(64));
    expect(source.status().state).toBe('connected');
  });
});
