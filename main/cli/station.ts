import type { EventName, EventPayload } from '../../shared/api/events.js';
import { escapeForTerminal } from '../../shared/terminal.js';
import { Station } from '../api/station.js';
import type { Store } from '../store/store.js';
import type { Io } from './context.js';

/**
 * The station a command runs its action against: the same Station as the app's, so names,
 * roles and follow-ups are the same. There are no windows to tell: warnings and errors the
 * app would show as notices go to stderr.
 */
export class CliStation extends Station {
  constructor(
    store: Store,
    private readonly io: Io,
    /** `--station NAME`, where a command takes one. */
    private readonly nameOverride?: string,
  ) {
    super(store);
  }

  override get stationName(): string {
    return this.nameOverride ?? super.stationName;
  }

  override emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    if (event !== 'notice') return;
    const n = payload as EventPayload<'notice'>;
    if (n.level !== 'info') this.io.stderr.write(`${escapeForTerminal(n.message)}\n`);
  }
}
