import { parseArgs } from 'node:util';
import { faultPlanSchema } from './faults.js';
import type { FaultPlan } from './faults.js';
import { startStateServer } from './server.js';

/**
 * The reference state server as a program, for people and for end-to-end tests:
 *   npx tsx test/state-server/main.ts --port 8787 --token T --db /tmp/state.db
 *       [--faults '{"queue":[{"kind":"drop-after"}]}'] [--max-chunk 500]
 * Prints its URL as the first line of stdout; SIGTERM or SIGINT closes it cleanly.
 * --faults takes a FaultPlan as JSON (see faults.ts and docs/state-api.md).
 */
const USAGE = 'usage: state-server --db FILE --token TOKEN [--port N] [--max-chunk N] [--faults JSON]';

function options(): { dbPath: string; token: string; port: number; maxChunk?: number; faults?: FaultPlan } {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      token: { type: 'string' },
      port: { type: 'string', default: '0' },
      'max-chunk': { type: 'string' },
      faults: { type: 'string' },
    },
    strict: true,
  });
  if (!values.db || !values.token) throw new Error(USAGE);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: not a port: ${values.port}`);
  const maxChunk = values['max-chunk'] === undefined ? undefined : Number(values['max-chunk']);
  if (maxChunk !== undefined && (!Number.isInteger(maxChunk) || maxChunk < 1))
    throw new Error(`--max-chunk: not a positive integer`);
  const faults = values.faults === undefined ? undefined : faultPlanSchema.parse(JSON.parse(values.faults));
  return {
    dbPath: values.db,
    token: values.token,
    port,
    ...(maxChunk === undefined ? {} : { maxChunk }),
    ...(faults ? { faults } : {}),
  };
}

async function main(): Promise<void> {
  const server = await startStateServer(options());
  process.stdout.write(`${server.url}\n`);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
