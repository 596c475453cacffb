// One benchmark station in a worker thread: a real Store on its own SQLite file, the real Intake
// (scan decision + durable commit) and the real Replicator pushing to and pulling from the hub.
// Compiled code (dist/), as `npm run bench` builds first.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { Store } from '../dist/main/store/store.js';
import { Intake } from '../dist/main/intake/intake.js';
import { Replicator } from '../dist/main/county/replicator.js';

// noHub: the control station, the same code and load with no replicator (single-station mode).
const { db, name, own, shared, ratePerSecond, sharedFraction, env, noHub } = workerData;
const store = Store.open(db);
// As a real station runs (the app, intake serve, intake scan): WAL checkpoints on a thread of their own, not inside a scan's commit.
store.checkpointInBackground();
const intake = new Intake(store, name);
const scanMs = [];
const lagMs = [];
/** audit seq → when its scan committed (performance.now of this worker). */
const pending = new Map();
const verdicts = {};
let next = 0;
let acked = 0;
const replicator = noHub
  ? null
  : new Replicator(store, {
      env,
      onRound: (r) => {
        if (r.acknowledgedThrough <= acked) return;
        const now = performance.now();
        for (let s = acked + 1; s <= r.acknowledgedThrough; s += 1) {
          const t = pending.get(s);
          if (t !== undefined) {
            lagMs.push(now - t);
            pending.delete(s);
          }
        }
        acked = r.acknowledgedThrough;
      },
    });
if (replicator) {
  store.onCommit = () => replicator.wake();
  replicator.start();
}

// Where a scan's time goes (Linux): /proc/thread-self/schedstat is this thread's time on a CPU and
// its time waiting in the run queue, in ns. A scan's wall time is those two plus its time blocked
// (the fsync); with 21 stations on two cores, the run-queue wait is the one the others cause.
const schedstat = () => {
  try {
    const [cpu, wait] = fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return { cpu: cpu ?? NaN, wait: wait ?? NaN };
  } catch {
    return { cpu: NaN, wait: NaN };
  }
};
const scanCpuMs = [];
const scanWaitMs = [];
const threadStart = schedstat();

function scanOne() {
  const raw = Math.random() < sharedFraction ? shared[Math.floor(Math.random() * shared.length)] : own[next++ % own.length];
  const s0 = schedstat();
  const t0 = performance.now();
  const o = intake.scan({ raw, operator: 'bench', scanner: 'bench' });
  const t1 = performance.now();
  const s1 = schedstat();
  scanMs.push(t1 - t0);
  scanCpuMs.push((s1.cpu - s0.cpu) / 1e6);
  scanWaitMs.push((s1.wait - s0.wait) / 1e6);
  verdicts[o.verdict] = (verdicts[o.verdict] ?? 0) + 1;
  if (replicator) pending.set(store.county.auditHead(), t1);
}

// Scanning starts once the replicator has reached the hub (a station is up before the mail is).
let timer = null;
const ready = setInterval(() => {
  if (replicator && !replicator.isConnected) return;
  clearInterval(ready);
  parentPort.postMessage({ type: 'ready' });
}, 50);

parentPort.on('message', async (m) => {
  if (m === 'go') {
    timer = setInterval(scanOne, 1000 / ratePerSecond);
    parentPort.postMessage({ type: 'going' });
  } else if (m === 'collect') {
    // The figures so far (one phase), then start afresh for the next.
    const st = schedstat();
    parentPort.postMessage({
      type: 'collected', scanMs: scanMs.splice(0), lagMs: lagMs.splice(0), scanCpuMs: scanCpuMs.splice(0), scanWaitMs: scanWaitMs.splice(0),
      threadCpuMs: (st.cpu - threadStart.cpu) / 1e6, threadWaitMs: (st.wait - threadStart.wait) / 1e6,
    });
  } else if (m === 'status') {
    const st = store.county.state();
    parentPort.postMessage({ type: 'status', head: store.county.auditHead(), pushedThrough: st.pushedThrough });
  } else if (m === 'pause-scans') {
    clearInterval(timer);
    parentPort.postMessage({ type: 'paused' });
  } else if (m === 'stop') {
    // Wait until the hub holds everything, then report.
    while (replicator && store.county.state().pushedThrough < store.county.auditHead()) await new Promise((r) => setTimeout(r, 50));
    await replicator?.stop();
    const counts = store.db.prepare('SELECT count(*) AS n, max(seq) AS max FROM audit_log').get();
    const scans = store.db.prepare('SELECT count(*) AS n FROM scans').get().n;
    const countyReceipts = store.db.prepare('SELECT count(*) AS n FROM county_receipts').get().n;
    const conflicts = store.db.prepare('SELECT count(*) AS n FROM county_conflicts WHERE local_scan_seq IS NOT NULL').get().n;
    store.close();
    parentPort.postMessage({ type: 'done', scanMs, lagMs, verdicts, audit: counts, scans, countyReceipts, conflicts });
  }
});
