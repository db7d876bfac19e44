// Turns pushed events into reads: per connection at most one pending read, a short window, bounded concurrency and queue.

/** What reading one connection gave. */
export type ReadOutcome<S> =
  | { kind: "read"; snapshot: S }
  | { kind: "not_found" }
  | { kind: "skipped_budget" }
  | { kind: "unreadable"; reason: string }
  | { kind: "failed"; message: string };

/** What `push` did with an event's connection id. */
export type PushResult = "queued" | "coalesced" | "dropped";

/** Runs `fn` after `ms`; returns a function that cancels it. Tests pass a fake. */
export type Schedule = (fn: () => void, ms: number) => () => void;

/** Options of `ReadCoalescer`. */
export interface CoalescerOptions<S> {
  /** How long the first event of a window waits for more before the window's reads start. */
  windowMs: number;
  /** Reads in flight at once. */
  concurrency: number;
  /** Connections waiting for a read; an event past it is dropped (the listing still sees the change). */
  maxPending: number;
  /** Reads one connection (budget checks included); should not throw, a throw counts as `failed`. */
  read: (id: string, signal: AbortSignal) => Promise<ReadOutcome<S>>;
  /** Judges one window's freshly read snapshots together (one digest per window). */
  judge: (snapshots: S[]) => Promise<void>;
  /** Called once per read with its outcome. */
  onRead?: (id: string, outcome: ReadOutcome<S>) => void;
  /** Called when `judge` throws. */
  onError?: (err: unknown) => void;
  schedule?: Schedule;
}

const realSchedule: Schedule = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

/**
 * Collects connection ids from pushed events and reads each once per window: ten events for one connection within a
 * window cost one read. Windows run one after another, so an older read is never judged after a newer one.
 */
export class ReadCoalescer<S> {
  private readonly opts: CoalescerOptions<S>;
  private readonly schedule: Schedule;
  private readonly pending = new Set<string>();
  private readonly abort = new AbortController();
  private cancelTimer: (() => void) | null = null;
  private chain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private closed = false;

  constructor(opts: CoalescerOptions<S>) {
    this.opts = opts;
    this.schedule = opts.schedule ?? realSchedule;
  }

  /** Asks for a read of `id` in the current window. */
  push(id: string): PushResult {
    if (this.closed) return "dropped";
    if (this.pending.has(id)) return "coalesced";
    if (this.pending.size >= this.opts.maxPending) return "dropped";
    this.pending.add(id);
    if (this.cancelTimer === null) {
      this.cancelTimer = this.schedule(() => {
        this.cancelTimer = null;
        this.inFlight++;
        // The batch is taken when its turn comes: events arriving while an earlier window runs join it.
        this.chain = this.chain.then(() => this.runWindow()).finally(() => this.inFlight--);
      }, this.opts.windowMs);
    }
    return "queued";
  }

  /** Connections waiting for their window. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Resolves once every window started so far has been read and judged. */
  async idle(): Promise<void> {
    while (this.inFlight > 0) await this.chain;
  }

  /** Stops: pending reads are dropped, reads in flight aborted; resolves when the running window has ended. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.pending.clear();
    this.abort.abort(new Error("webhook receiver stopped"));
    await this.chain.catch(() => undefined);
  }

  private async runWindow(): Promise<void> {
    const ids = [...this.pending];
    this.pending.clear();
    if (ids.length === 0 || this.closed) return;
    const snapshots: S[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ids.length && !this.abort.signal.aborted) {
        const id = ids[next++]!;
        let outcome: ReadOutcome<S>;
        try {
          outcome = await this.opts.read(id, this.abort.signal);
        } catch (err) {
          outcome = { kind: "failed", message: err instanceof Error ? err.message : String(err) };
        }
        this.opts.onRead?.(id, outcome);
        if (outcome.kind === "read") snapshots.push(outcome.snapshot);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, ids.length) }, () => worker()));
    if (snapshots.length === 0 || this.closed) return;
    try {
      await this.opts.judge(snapshots);
    } catch (err) {
      this.opts.onError?.(err);
    }
  }
}
