// A second station process for the sign-in race tests, run with `node --import tsx`:
//   sign-in-child DB NAME PIN N   sends N sign-ins of NAME with PIN at once, prints how many were refused.
// It waits for "go" on stdin so two children start their attempts together.
import { Auth } from '../../main/auth/auth.js';
import { Store } from '../../main/store/store.js';

const [db, name, pin, n] = process.argv.slice(2);
if (!db || !name || !pin || !n) throw new Error('usage: sign-in-child DB NAME PIN N');
const store = Store.open(db);
// A high limit, so every attempt reaches the count instead of stopping at the lockout.
const auth = new Auth(store, undefined, { maxFailures: 10_000, minRefusalMs: 0 });
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  void Promise.allSettled(Array.from({ length: Number(n) }, () => auth.signIn(name, pin))).then((results) => {
    process.stdout.write(`${results.filter((r) => r.status === 'rejected').length}\n`);
    store.close();
    process.exit(0);
  });
});
