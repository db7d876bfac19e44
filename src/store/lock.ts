// The exclusive lock on a state file: `<state>.lock` holds its holder (pid, host, since); one `run` or `once` at a time.
// Created whole with link() (atomic, fails if it exists, works on NFS); kept fresh by touching its mtime; a lock whose
// holder is dead (same host, no such pid) or whose heartbeat stopped is taken over (see `takeOver`).
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import { hostname as osHostname } from "node:os";
import { stateFileError } from "./state-error.js";

/** Who holds a lock, as its file records it. */
export interface LockHolder {
  pid: number;
  host: string;
  /** When the holder took the lock (ISO 8601). */
  since: string;
  /** Tells this holder's lock from a later one of the same pid and host. */
  token: string;
}

/** Options of `acquireLock`; everything but `path` has a default (tests set the clock, pid and host). */
export interface LockOptions {
  /** The state file; the lock is `<path>.lock`. */
  path: string;
  now?: () => number;
  pid?: number;
  host?: string;
  /** How often the holder touches the lock (default 10 s). */
  heartbeatMs?: number;
  /** A lock untouched for this long is stale whoever holds it (default 60 s: a holder on another host that died). */
  staleMs?: number;
  /** Whether a process of this host is alive (default: kill(pid, 0)). */
  alive?: (pid: number) => boolean;
  /** Called once if the lock file stops being ours (removed or taken over while we held it). */
  onLost?: (now: LockHolder | null) => void;
}

/** A held lock. `release` removes it (only if it is still ours); safe to call twice. */
export interface StateLock {
  readonly path: string;
  readonly holder: LockHolder;
  release(): Promise<void>;
}

const DEFAULT_HEARTBEAT_MS = 10_000;
const DEFAULT_STALE_MS = 60_000;

/**
 * Takes the lock on `opts.path` or throws a ConfigError naming SYNCWATCH_STATE_FILE and the holder. A lock left by
 * a dead process is taken over; of two processes taking over the same lock, one wins.
 */
export async function acquireLock(opts: LockOptions): Promise<StateLock> {
  const now = opts.now ?? Date.now;
  const me: LockHolder = {
    pid: opts.pid ?? process.pid,
    host: opts.host ?? osHostname(),
    since: new Date(now()).toISOString(),
    token: randomUUID(),
  };
  const lockPath = `${opts.path}.lock`;
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS;
  const alive = opts.alive ?? pidAlive;
  // The record is written whole to a file of our own, then linked to the lock path: nobody ever reads half a record.
  const tmp = `${lockPath}.${me.token}.tmp`;
  try {
    await fs.writeFile(tmp, `${JSON.stringify({ syncwatch_lock: 1, ...me })}\n`, { mode: 0o600 });
  } catch (err) {
    throw stateFileError(`cannot create the lock ${lockPath}: ${errCode(err)}`);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.link(tmp, lockPath);
        break;
      } catch (err) {
        if (errCode(err) !== "EEXIST") throw stateFileError(`cannot create the lock ${lockPath}: ${errCode(err)}`);
      }
      const found = await readLock(lockPath);
      if (found === "gone") continue; // released meanwhile: try again
      if (found === "foreign") {
        throw stateFileError(`${lockPath} exists and is not a syncwatch lock; remove it if nothing else uses ${opts.path}`);
      }
      const judge = (f: FoundLock): string | null => isStale(f, me, now(), staleMs, alive);
      if (judge(found) === null || attempt >= 20) throw stateFileError(inUse(opts.path, found.holder));
      if (!(await takeOver(lockPath, found, tmp, me, judge))) await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
    }
  } finally {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
  }
  return hold(lockPath, me, opts, now);
}

/** The message of a lock held by someone else. */
function inUse(path: string, h: LockHolder): string {
  return `state file ${path} is in use by pid ${h.pid} on host ${h.host} since ${h.since}; one process at a time runs \`run\` or \`once\` on a state`;
}

interface FoundLock {
  holder: LockHolder;
  mtimeMs: number;
}

async function readLock(lockPath: string): Promise<FoundLock | "gone" | "foreign"> {
  let text: string;
  let mtimeMs: number;
  try {
    const fh = await fs.open(lockPath, "r");
    try {
      mtimeMs = (await fh.stat()).mtimeMs;
      text = await fh.readFile("utf8");
    } finally {
      await fh.close();
    }
  } catch (err) {
    if (errCode(err) === "ENOENT") return "gone";
    throw stateFileError(`cannot read the lock ${lockPath}: ${errCode(err)}`);
  }
  const holder = parseHolder(text);
  return holder === null ? "foreign" : { holder, mtimeMs };
}

function parseHolder(text: string): LockHolder | null {
  try {
    const r = JSON.parse(text) as Record<string, unknown>;
    if (r.syncwatch_lock !== 1 || typeof r.pid !== "number" || typeof r.host !== "string" || typeof r.since !== "string" || typeof r.token !== "string") return null;
    return { pid: r.pid, host: r.host, since: r.since, token: r.token };
  } catch {
    return null;
  }
}

/** Why a lock may be taken over, or null when its holder may still be running. */
function isStale(found: FoundLock, me: LockHolder, now: number, staleMs: number, alive: (pid: number) => boolean): string | null {
  const h = found.holder;
  if (h.host === me.host && h.pid === me.pid) return "left by an earlier process with our pid (a restarted container)";
  if (h.host === me.host && !alive(h.pid)) return `pid ${h.pid} is not running`;
  if (now - found.mtimeMs > staleMs) return `not refreshed for ${Math.round((now - found.mtimeMs) / 1000)} s`;
  return null;
}

/**
 * Removes the stale lock whose token is `staleToken`, and nothing else. Takers first claim that token: a claim file
 * `<lock>.claim-<token>` created with link() (one taker gets it). The claimant checks the lock still holds that token
 * (only a claimant of a token removes a lock with it, so it cannot change in between), removes it, and lets every
 * starter compete for the free path with link(). A claim left by a taker that died mid-takeover is itself judged by
 * the lock's rules. Returns false when another taker holds the claim (the caller looks again).
 */
async function takeOver(lockPath: string, stale: FoundLock, tmp: string, me: LockHolder, judge: (f: FoundLock) => string | null): Promise<boolean> {
  const claim = `${lockPath}.claim-${stale.holder.token}`;
  try {
    await fs.link(tmp, claim);
  } catch (err) {
    if (errCode(err) !== "EEXIST") throw stateFileError(`cannot take over the lock ${lockPath}: ${errCode(err)}`);
    const other = await readLock(claim);
    if (typeof other !== "string" && judge(other) !== null) await fs.rm(claim, { force: true });
    return false;
  }
  try {
    const now = await readLock(lockPath);
    if (typeof now !== "string" && now.holder.token === stale.holder.token) await fs.rm(lockPath, { force: true });
    return true;
  } finally {
    await fs.rm(claim, { force: true });
  }
}

function hold(lockPath: string, me: LockHolder, opts: LockOptions, now: () => number): StateLock {
  let released = false;
  let lost = false;
  const beat = async (): Promise<void> => {
    const found = await readLock(lockPath).catch(() => "gone" as const);
    if (released || lost) return;
    if (typeof found === "string" || found.holder.token !== me.token) {
      lost = true;
      opts.onLost?.(typeof found === "string" ? null : found.holder);
      return;
    }
    const t = new Date(now());
    await fs.utimes(lockPath, t, t).catch(() => undefined);
  };
  const timer = setInterval(() => void beat(), opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  timer.unref();
  return {
    path: lockPath,
    holder: me,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      // Best effort: a lock that cannot be removed (a read-only directory) is taken over by the next start anyway.
      const found = await readLock(lockPath).catch(() => "gone" as const);
      if (typeof found !== "string" && found.holder.token === me.token) await fs.rm(lockPath, { force: true }).catch(() => undefined);
    },
  };
}

/** Whether a process of this host with `pid` exists (EPERM: it does, someone else's). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errCode(err) === "EPERM";
  }
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}
