/**
 * The shipped udev rules grant hidraw and tty access for every vendor the station knows, and
 * use only the keys and operators they should. (udev itself can check the file too:
 * `udevadm test --action=add /sys/class/tty/ttyS0` with the file in /etc/udev/rules.d reports
 * any rule it cannot parse; it reported none when this was written.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { SCANNER_VENDORS } from '../../main/scanners/vendors.js';

const RULES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../resources/udev/70-ballot-intake-scanners.rules',
);
const lines = readFileSync(RULES, 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

it('every known scanner vendor gets hidraw and tty access for the seat user and plugdev', () => {
  for (const { vendorId } of SCANNER_VENDORS) {
    for (const subsystem of ['hidraw', 'tty']) {
      expect(lines).toContain(
        `SUBSYSTEM=="${subsystem}", ATTRS{idVendor}=="${hex4(vendorId)}", TAG+="uaccess", GROUP="plugdev", MODE="0660"`,
      );
    }
  }
});

it('only well-formed key/operator/value triples', () => {
  const field =
    /^(ACTION|SUBSYSTEM|ATTRS\{idVendor\})(==|!=)"[^"]+"$|^(TAG\+|GROUP|MODE|GOTO|LABEL)="[^"]+"$/;
  for (const line of lines) {
    for (const part of line.split(/,\s*/)) expect(part, line).toMatch(field);
  }
  const gotos = lines.flatMap((l) => [...l.matchAll(/GOTO="([^"]+)"/g)].map((m) => m[1]));
  for (const label of gotos) expect(lines).toContain(`LABEL="${label}"`);
});
