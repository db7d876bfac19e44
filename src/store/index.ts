// The store's public API.
export type { PersistedState, LoadReport, Store } from "./types.js";
export { FileStore, type FileStoreOptions } from "./file-store.js";
export { MemoryStore } from "./memory-store.js";
export { encodeState, decodeState, STATE_VERSION } from "./codec.js";
