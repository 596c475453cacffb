import type { Unsubscribe } from './types.js';

/** The smallest typed emitter: subscribe returns its own unsubscribe. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  add(cb: (value: T) => void): Unsubscribe {
    // Wrapped so the same function can subscribe twice and unsubscribe each separately.
    const entry = (value: T): void => cb(value);
    this.set.add(entry);
    return () => {
      this.set.delete(entry);
    };
  }

  emit(value: T): void {
    for (const cb of [...this.set]) cb(value);
  }

  clear(): void {
    this.set.clear();
  }
}
