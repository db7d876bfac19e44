// A Store on a JSON file and its journal. A save appends one line of changes to `<file>.journal` (fsync); when the
// journal has grown to half the file, the next save rewrites the whole file (temp file, fsync, rename, fsync dir)
// and starts a new journal. Only an empty file or a damaged one of syncwatch's is moved aside; anything else is refused
// and left alone. A torn last journal line (a crash mid-save) is dropped. A save that hangs (a dead NFS mount) times out.
import { randomUUID } from "node:crypto";
import { promises as fs, constants as fsConstants } from "node:fs";
import { dirname, basename, join } from "node:path";
import { recordsInOrder, type AlertRecord, type ConnectionRecord } from "../health/model.js";
import { SyncwatchError } from "../errors.js";
import { accountDifferences, type AccountBinding } from "./account.js";
import { applyJournalEntry, decodeStateFile, encodeJournalEntry, encodeStatePieces } from "./codec.js";
import { kindOf, SIGNATURE_BYTES } from "./signature.js";
import { stateFileError } from "./state-error.js";
import type { LoadReport, PersistedState, Store } from "./types.js";

/** The journal is folded into a new base when it reaches this share of the base's size (or this many bytes). */
const COMPACT_RATIO = 0.5;
const COMPACT_MIN_BYTES = 256 * 1024;

/** What this process knows of the journal it appends to. */
interface Journal {
  id: string;
  /** Bytes in the journal file, all of them complete lines. */
  bytes: number;
  /** Bytes of the base file it continues. */
  baseBytes: number;
  /**
   * Every connection record as of the last save, in the state's order (the records themselves: a changed one is a
   * new object). An array, not a Map: copying 100,000 references costs ~1 ms, copying a Map of them ~50.
   */
  saved: readonly ConnectionRecord[];
  /** Every alert record as of the last save, by key (a copy, so the journal never depends on how a caller treats its Maps). */
  savedAlerts: ReadonlyMap<string, AlertRecord>;
  /** The `seq` of the last history entry saved (the next append carries the entries after it). */
  historySeq: number;
}

/** A save that has not finished after this long fails (`state_save_timeout`); the cycle goes on. */
export const DEFAULT_SAVE_TIMEOUT_MS = 30_000;

/** Options for `FileStore`. */
export interface FileStoreOptions {
  path: string;
  now?: () => number;
  /**
   * The account this store is for: recorded in every save; a loaded state recorded for another account is refused.
   * Absent: no check, and the recorded account (if any) is kept.
   */
  account?: AccountBinding;
  /** Bound on one save (default `DEFAULT_SAVE_TIMEOUT_MS`). */
  saveTimeoutMs?: number;
}

/** Persists state to `path`; see `Store`. */
export class FileStore implements Store {
  private readonly path: string;
  private readonly now: () => number;
  private readonly journalPath: string;
  private saves = 0;
  /** Null until a save or load established one: the next save then writes the whole file. */
  private journal: Journal | null = null;
  private saving: Promise<unknown> = Promise.resolve();
  private readonly expected: AccountBinding | null;
  /** The account written with each base: the configured one, else the one loaded. */
  private account: AccountBinding | null;
  private readonly saveTimeoutMs: number;
  lastSaveBytes = 0;

  constructor(opts: FileStoreOptions) {
    this.path = opts.path;
    this.journalPath = `${opts.path}.journal`;
    this.now = opts.now ?? Date.now;
    this.expected = opts.account ?? null;
    this.account = this.expected;
    this.saveTimeoutMs = opts.saveTimeoutMs ?? DEFAULT_SAVE_TIMEOUT_MS;
  }

  async load(): Promise<LoadReport> {
    this.journal = null; // whatever this store wrote before, the next save continues what is loaded now
    let text: string;
    try {
      text = await fs.readFile(this.path, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { state: null, discarded: null };
      // Unreadable (permissions, a directory in the way): not ours to move; the user must look.
      throw stateFileError(`cannot read ${this.path}: ${code ?? String(err)}; left untouched`);
    }
    if (kindOf(text.slice(0, SIGNATURE_BYTES)) === "foreign") {
      throw stateFileError(`${this.path} is not a syncwatch state file (it does not start with one's signature); left untouched`);
    }
    let decoded: ReturnType<typeof decodeStateFile>;
    try {
      decoded = decodeStateFile(text);
    } catch (err) {
      const reason = `state file unusable: ${err instanceof Error ? err.message : String(err)}`;
      return { state: null, discarded: { reason, movedTo: await this.moveAside() } };
    }
    const { state, journal, account } = decoded;
    if (account !== null && this.expected !== null) {
      const diff = accountDifferences(account, this.expected);
      if (diff.length > 0) {
        throw stateFileError(`${this.path} belongs to another Fivetran account: ${diff.join("; ")}. Use --reset-state to start over (the old state is kept beside it)`);
      }
    }
    this.account ??= account;
    const dropped = journal === null ? null : await this.replay(state, journal, Buffer.byteLength(text));
    // A state not yet bound to an account (an earlier release's) is adopted: the next save writes the whole file.
    if (account === null && this.expected !== null) this.journal = null;
    return { state, discarded: null, ...(dropped ? { repaired: dropped } : {}) };
  }

  /**
   * Applies the journal's complete entries to `state` and keeps appending to it. A journal of another base (the
   * process stopped between writing a new base and starting its journal) is ignored; an entry that is not a
   * complete line of valid JSON ends the journal: it and anything after it are cut off. Returns what was cut, if any.
   */
  private async replay(state: PersistedState, id: string, baseBytes: number): Promise<string | null> {
    let buf: Buffer;
    try {
      buf = await fs.readFile(this.journalPath);
    } catch {
      return null; // none (or unreadable): the next save writes a new base
    }
    const headerEnd = buf.indexOf(0x0a);
    if (headerEnd < 0 || !isHeaderOf(buf.toString("utf8", 0, headerEnd), id)) return null;
    let good = headerEnd + 1;
    for (let end = buf.indexOf(0x0a, good); end >= 0; end = buf.indexOf(0x0a, good)) {
      try {
        applyJournalEntry(state, buf.toString("utf8", good, end));
      } catch {
        break;
      }
      good = end + 1;
    }
    if (good < buf.length) {
      try {
        await fs.truncate(this.journalPath, good);
      } catch {
        return null;
      }
    }
    this.journal = { id, bytes: good, baseBytes, ...savedOf(state) };
    return good < buf.length ? `dropped an incomplete last journal entry (${buf.length - good} bytes): the previous run stopped while saving` : null;
  }

  save(state: PersistedState): Promise<void> {
    // One save at a time: an append must never land in the journal of a base written after it.
    const run = this.saving.then(() => {
      const j = this.journal;
      if (j !== null && j.bytes < Math.max(COMPACT_MIN_BYTES, j.baseBytes * COMPACT_RATIO)) return this.append(j, state);
      return this.saveBase(state);
    });
    this.saving = run.catch(() => undefined);
    return withTimeout(run, this.saveTimeoutMs, () => {
      // The hung write may still finish; whatever it leaves, the next save writes a whole new base.
      this.journal = null;
      return new SyncwatchError("state_save_timeout", `save state to ${this.path}: not finished after ${this.saveTimeoutMs / 1000} s`);
    });
  }

  /** Appends the changes since the last save to the journal. */
  private async append(j: Journal, state: PersistedState): Promise<void> {
    // What this append saves (taken now: the state's Maps may change while the line is being written).
    const now = savedOf(state);
    const changed: ConnectionRecord[] = [];
    let kept = 0;
    const savedRecord = recordsInOrder(j.saved);
    for (const rec of now.saved) {
      const before = savedRecord(rec.snapshot.id);
      if (before !== undefined) kept++;
      if (before !== rec) changed.push(rec);
    }
    const removed: string[] = [];
    if (kept !== j.saved.length) for (const rec of j.saved) if (!state.health.connections.has(rec.snapshot.id)) removed.push(rec.snapshot.id);
    const alertChanges = { changed: [] as AlertRecord[], removed: [] as AlertRecord[] };
    for (const [key, rec] of now.savedAlerts) if (j.savedAlerts.get(key) !== rec) alertChanges.changed.push(rec);
    for (const [key, rec] of j.savedAlerts) if (!now.savedAlerts.has(key)) alertChanges.removed.push(rec);
    const buf = Buffer.from(encodeJournalEntry(state, this.now(), changed, removed, alertChanges, j.historySeq), "utf8");
    // Whatever happens from here, a failed append may have left part of a line: the next save writes a new base.
    this.journal = null;
    try {
      const fh = await fs.open(this.journalPath, fsConstants.O_WRONLY | fsConstants.O_APPEND);
      try {
        await writeFully(fh, buf);
        await fh.datasync();
      } finally {
        await fh.close();
      }
    } catch (err) {
      throw saveError(this.journalPath, err);
    }
    this.journal = { ...j, bytes: j.bytes + buf.length, ...now };
    this.lastSaveBytes = buf.length;
  }

  /** Writes the whole state as a new base, then a new, empty journal that continues it. */
  private async saveBase(state: PersistedState): Promise<void> {
    const id = randomUUID();
    const pieces = encodeStatePieces(state, this.now(), id, this.account);
    const saved = savedOf(state);
    this.journal = null;
    const baseBytes = await this.writeAtomically(this.path, pieces);
    const header = `${JSON.stringify({ journal: id })}\n`;
    const headerBytes = await this.writeAtomically(this.journalPath, [header]);
    this.journal = { id, bytes: headerBytes, baseBytes, ...saved };
    this.lastSaveBytes = baseBytes + headerBytes;
  }

  /** Writes `pieces` to a temp file next to `path`, syncs it and renames it over `path`. Returns the bytes. */
  private async writeAtomically(path: string, pieces: Iterable<string>): Promise<number> {
    const dir = dirname(path);
    let written = 0;
    const tmp = join(dir, `.${basename(path)}.${process.pid}.${++this.saves}.tmp`);
    try {
      await fs.mkdir(dir, { recursive: true });
      const fh = await fs.open(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC, 0o600);
      try {
        // Each piece is encoded while the previous one is being written (writes stay in order).
        let writing: Promise<unknown> = Promise.resolve();
        for (const piece of pieces) {
          const buf = Buffer.from(piece, "utf8");
          await writing;
          writing = writeFully(fh, buf);
          written += buf.length;
        }
        await writing;
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.rename(tmp, path);
      await syncDir(dir);
      return written;
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw saveError(path, err);
    }
  }

  private async moveAside(): Promise<string | null> {
    const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, "-");
    const target = `${this.path}.corrupt-${stamp}`;
    try {
      await fs.rename(this.path, target);
      return target;
    } catch {
      return null;
    }
  }
}

/** What a save of `state` writes, as the journal remembers it (copies, so the journal never depends on how a caller treats its Maps). */
function savedOf(state: PersistedState): Pick<Journal, "saved" | "savedAlerts" | "historySeq"> {
  const history = state.history ?? [];
  return {
    saved: Array.from(state.health.connections.values()),
    savedAlerts: new Map(state.health.alerts),
    historySeq: history.length === 0 ? Number.NEGATIVE_INFINITY : history[history.length - 1]!.seq,
  };
}

function saveError(path: string, err: unknown): SyncwatchError {
  const code = (err as NodeJS.ErrnoException).code ?? "error";
  return new SyncwatchError("state_write_failed", `save state to ${path}: ${code}`, { cause: err });
}

/** `p`, or a rejection with `onTimeout()` when it has not settled after `ms`. */
function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

function isHeaderOf(line: string, id: string): boolean {
  try {
    return (JSON.parse(line) as { journal?: unknown }).journal === id;
  } catch {
    return false;
  }
}

/** Writes all of `buf` at the file's current position, finishing a short write. */
async function writeFully(fh: fs.FileHandle, buf: Buffer): Promise<void> {
  for (let off = 0; off < buf.length; ) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename durable. Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  let fh: fs.FileHandle | null = null;
  try {
    fh = await fs.open(dir, "r");
    await fh.sync();
  } catch {
    // best effort
  } finally {
    await fh?.close();
  }
}
