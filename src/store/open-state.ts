// The one call `run` and `once` make before reading Fivetran: check the state path is syncwatch's and writable, lock
// it, optionally start over, and return the store bound to the configured account.
import { randomUUID } from "node:crypto";
import { promises as fs, constants as fsConstants } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ConfigError } from "../errors.js";
import type { AccountBinding } from "./account.js";
import { FileStore } from "./file-store.js";
import { acquireLock, type LockOptions, type StateLock } from "./lock.js";
import { kindOf, SIGNATURE_BYTES, type FileKind } from "./signature.js";
import { stateFileError } from "./state-error.js";

/** Options of `openState`. */
export interface OpenStateOptions {
  path: string;
  /** The account this run watches; a state recorded for another is refused (unless `reset`). */
  account: AccountBinding;
  /** `--reset-state`: move the existing state aside (recoverable) and start from a baseline. */
  reset?: boolean;
  now?: () => number;
  /** Lock tuning and hooks (tests, the daemon's `onLost`). */
  lock?: Omit<LockOptions, "path" | "now">;
  /** Bound on one save (see `FileStoreOptions.saveTimeoutMs`). */
  saveTimeoutMs?: number;
}

/** An opened state: the store to load and save through, the lock to release at exit, and what was moved aside. */
export interface OpenedState {
  store: FileStore;
  lock: StateLock;
  /** Where `--reset-state` moved the previous state, when there was one. */
  resetTo: string | null;
}

/**
 * Refuses (ConfigError naming SYNCWATCH_STATE_FILE, nothing touched) a state path that is a directory, another
 * program's file, unreadable, in an unwritable directory, or locked by a live process; otherwise locks it.
 */
export async function openState(opts: OpenStateOptions): Promise<OpenedState> {
  const now = opts.now ?? Date.now;
  const { path } = opts;
  await inspect(path); // before the lock: a directory in the way must not get a `.lock` beside it
  const dir = dirname(path);
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (err) {
    throw stateFileError(`cannot create the directory of ${path}: ${errCode(err)}`);
  }
  await probeWritable(dir, path);
  const lock = await acquireLock({ ...opts.lock, path, now });
  try {
    const kind = await inspect(path); // again, now that no other syncwatch can change it
    let resetTo: string | null = null;
    if (opts.reset && kind !== null) resetTo = await moveAsideForReset(path, now());
    return { store: new FileStore({ path, now, account: opts.account, saveTimeoutMs: opts.saveTimeoutMs }), lock, resetTo };
  } catch (err) {
    await lock.release();
    throw err;
  }
}

/** What is at `path`: null (nothing), or the kind of file; throws when it is not a file syncwatch may use. */
export async function inspect(path: string): Promise<FileKind | null> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    const code = errCode(err);
    if (code === "ENOENT") return null;
    if (code === "EISDIR") throw stateFileError(`${path} is a directory; point SYNCWATCH_STATE_FILE at a file in it (e.g. ${join(path, "state.json")})`);
    throw stateFileError(`cannot read ${path}: ${code}`);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw stateFileError(`${path} is a directory; point SYNCWATCH_STATE_FILE at a file in it (e.g. ${join(path, "state.json")})`);
    if (!st.isFile()) throw stateFileError(`${path} is not a regular file`);
    const buf = Buffer.alloc(SIGNATURE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SIGNATURE_BYTES, 0);
    const kind = kindOf(buf.toString("utf8", 0, bytesRead));
    if (kind === "foreign") {
      throw stateFileError(`${path} is not a syncwatch state file (it does not start with one's signature); left untouched: move it away or choose another path`);
    }
    return kind;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw stateFileError(`cannot read ${path}: ${errCode(err)}`);
  } finally {
    await fh.close();
  }
}

/** Creates and removes a file of our own in `dir`: a save will be able to write its temp file there. */
async function probeWritable(dir: string, path: string): Promise<void> {
  const probe = join(dir, `.${basename(path)}.probe-${randomUUID()}`);
  try {
    const fh = await fs.open(probe, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
    await fh.close();
  } catch (err) {
    throw stateFileError(`cannot write in ${dir} (where ${basename(path)} is saved): ${errCode(err)}`);
  }
  await fs.rm(probe, { force: true });
}

/** Moves the state and its journal to `<file>.reset-<time>` (recoverable); returns where the state went. */
async function moveAsideForReset(path: string, now: number): Promise<string> {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, "-");
  const target = `${path}.reset-${stamp}`;
  try {
    await fs.rename(path, target);
    await fs.rename(`${path}.journal`, `${target}.journal`).catch(() => undefined);
  } catch (err) {
    throw stateFileError(`cannot move ${path} aside for --reset-state: ${errCode(err)}`);
  }
  return target;
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}
