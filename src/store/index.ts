// The store's public API.
export type { PersistedState, LoadReport, Store } from "./types.js";
export { FileStore, DEFAULT_SAVE_TIMEOUT_MS, type FileStoreOptions } from "./file-store.js";
export { MemoryStore } from "./memory-store.js";
export { encodeState, decodeState, STATE_VERSION } from "./codec.js";
export { bindAccount, type AccountBinding } from "./account.js";
export { openState, type OpenStateOptions, type OpenedState } from "./open-state.js";
export type { StateLock, LockHolder } from "./lock.js";
export { readStateReadOnly } from "./read-only.js";
