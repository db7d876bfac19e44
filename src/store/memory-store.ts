// A Store in memory (tests, `once --no-state`): same encode/decode path as the file store, no disk.
import { decodeState, encodeState } from "./codec.js";
import type { LoadReport, PersistedState, Store } from "./types.js";

/** Keeps the encoded state in memory, so round-trips are as strict as the file store's. */
export class MemoryStore implements Store {
  private text: string | null;
  lastSaveBytes = 0;
  saves = 0;

  constructor(initial?: string) {
    this.text = initial ?? null;
  }

  load(): Promise<LoadReport> {
    if (this.text === null) return Promise.resolve({ state: null, discarded: null });
    try {
      return Promise.resolve({ state: decodeState(this.text), discarded: null });
    } catch (err) {
      this.text = null;
      return Promise.resolve({ state: null, discarded: { reason: String(err), movedTo: null } });
    }
  }

  save(state: PersistedState): Promise<void> {
    this.text = encodeState(state, Date.now());
    this.lastSaveBytes = this.text.length;
    this.saves++;
    return Promise.resolve();
  }

  /** The last saved text, for tests. */
  dump(): string | null {
    return this.text;
  }
}
