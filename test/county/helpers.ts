import pg from 'pg';
import { Station } from '../../main/api/station.js';
import type { Actor } from '../../main/actions/context.js';
import { pushPending } from '../../main/county/replicator.js';
import { seedRoll, rollRow, tempStore } from '../helpers/station.js';
import type { CountyHub } from '../hub/fixture.js';

export const sue: Actor = { name: 'sue', role: 'supervisor', via: 'session' };

/**
 * A real station in a county: a real SQLite store, registered at the hub under `id`, configured
 * as an operator would (hub URL without password, hub.station, hub.ca) and with its password in
 * the environment the actions read. `push()` runs the replicator's own push.
 */
export async function countyStation(county: CountyHub, id: string, ballots: string[]) {
  const t = tempStore();
  const reg = await county.station(id);
  const at = new Date().toISOString();
  t.store.config.set('station', id.toUpperCase(), 'setup', at);
  t.store.config.set('hub', `postgres://localhost:${county.hub.port}/${county.hub.database}`, 'setup', at);
  t.store.config.set('hub.station', id, 'setup', at);
  t.store.config.set('hub.ca', county.hub.caFile, 'setup', at);
  seedRoll(t.store, ballots.map((b) => rollRow({ ballotId: b, voterId: `V-${b}`, firstName: 'ANN', lastName: `VOTER-${b}` })));
  const env: NodeJS.ProcessEnv = { ...process.env, INTAKE_HUB_PASSWORD: reg.password };
  const station = new Station(t.store);
  let client: pg.Client | null = null;
  const conn = async () => (client ??= await county.hub.connect(reg.roleName, reg.password));
  return {
    ...t,
    id,
    env,
    station,
    password: reg.password,
    roleName: reg.roleName,
    async push() {
      return pushPending(t.store, await conn(), 500, () => new Date());
    },
    async client() {
      return conn();
    },
    async close() {
      await client?.end().catch(() => undefined);
      t.cleanup();
    },
  };
}
