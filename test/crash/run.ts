// npm run test:crash -- [--cycles N] [--ballots N] [--seed S]: the long soak (default 1,000 kills).
import { parseArgs } from 'node:util';
import { tempDir } from '../helpers/station.js';
import { runCrashHarness } from './harness.js';

const { values } = parseArgs({ options: { cycles: { type: 'string', default: '1000' }, ballots: { type: 'string', default: '20000' }, seed: { type: 'string', default: '1' } } });
const t = tempDir('intake-crash-');
const started = Date.now();
const report = await runCrashHarness({
  dir: t.dir,
  cycles: Number(values.cycles),
  ballots: Number(values.ballots),
  seed: Number(values.seed),
  log: (l) => {
    if (/cycle \d*0\//.test(l)) console.log(l);
  },
});
t.cleanup();
console.log(JSON.stringify({ ...report, seconds: Math.round((Date.now() - started) / 1000) }));
if (report.failures.length > 0) {
  console.error(report.failures.join('\n'));
  process.exit(1);
}
