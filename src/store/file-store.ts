// A Store on one JSON file: atomic saves (temp file, fsync, rename, fsync dir); unusable files moved aside.
import { promises as fs, constants as fsConstants } from "node:fs";
import { dirname, basename, join } from "node:path";
import { SyncwatchError } from "../errors.js";
import { decodeState, encodeStatePieces } from "./codec.js";
import type { LoadReport, PersistedState, Store } from "./types.js";

/** Options for `FileStore`. */
export interface FileStoreOptions {
  path: string;
  now?: () => number;
}

/** Persists state to `path`; see `Store`. */
export class FileStore implements Store {
  private readonly path: string;
  private readonly now: () => number;
  private saves = 0;
  lastSaveBytes = 0;

  constructor(opts: FileStoreOptions) {
    this.path = opts.path;
    this.now = opts.now ?? Date.now;
  }

  async load(): Promise<LoadReport> {
    let text: string;
    try {
      text = await fs.readFile(this.path, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { state: null, discarded: null };
      // Unreadable (permissions, a directory in the way): starting over beats crashing in a loop.
      return { state: null, discarded: { reason: `cannot read state file: ${code ?? String(err)}`, movedTo: await this.moveAside() } };
    }
    try {
      return { state: decodeState(text), discarded: null };
    } catch (err) {
      const reason = `state file unusable: ${err instanceof Error ? err.message : String(err)}`;
      return { state: null, discarded: { reason, movedTo: await this.moveAside() } };
    }
  }

  async save(state: PersistedState): Promise<void> {
    const pieces = encodeStatePieces(state, this.now());
    const dir = dirname(this.path);
    let written = 0;
    const tmp = join(dir, `.${basename(this.path)}.${process.pid}.${++this.saves}.tmp`);
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
      await fs.rename(tmp, this.path);
      await syncDir(dir);
      this.lastSaveBytes = written;
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      const code = (err as NodeJS.ErrnoException).code ?? "error";
      throw new SyncwatchError("state_write_failed", `save state to ${this.path}: ${code}`, { cause: err });
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
