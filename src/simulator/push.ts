// The simulator's webhook pusher: signed Fivetran events for its scripted changes, late, duplicated or reordered on request.
import { randomUUID } from "node:crypto";
import { signBody } from "../webhooks/signature.js";
import type { SimAccount, SimChange } from "./account.js";

/** Where events go: a receiver URL and the secret it checks, the events it wants (all when null), its group. */
export interface PushTarget {
  url: string;
  secret: string;
  events: readonly string[] | null;
  groupId: string | null;
}

/** One event before it is addressed: its name and `data`. */
export interface SimEvent {
  event: string;
  data?: { status: string; reason?: string };
}

type Item = Record<string, unknown>;
const status = (item: Item | null): Item => ((item?.status ?? {}) as Item);

/** The events Fivetran would send for one change of a connection (none for a change no event reports). */
export function eventsFor(change: SimChange): SimEvent[] {
  const { before, after } = change;
  if (before === null) return [{ event: "create_connector" }];
  if (after === null) return [{ event: "delete_connector" }];
  const out: SimEvent[] = [];
  const sb = status(before);
  const sa = status(after);
  if (before.paused !== true && after.paused === true) out.push({ event: "pause_connector" });
  if (before.paused === true && after.paused !== true) out.push({ event: "resume_connector" });
  if (sb.setup_state !== "broken" && sa.setup_state === "broken") out.push({ event: "connection_failure", data: { status: "FAILURE", reason: "Setup test failed" } });
  if (sb.setup_state === "broken" && sa.setup_state !== "broken") out.push({ event: "connection_successful" });
  if (after.failed_at !== before.failed_at && after.failed_at !== null) out.push({ event: "sync_end", data: { status: "FAILURE", reason: "Sync failed" } });
  else if (typeof after.succeeded_at === "string" && (typeof before.succeeded_at !== "string" || after.succeeded_at > before.succeeded_at)) {
    out.push({ event: "sync_end", data: { status: "SUCCESSFUL" } });
  } else if (sa.sync_state === "rescheduled" && sb.sync_state !== "rescheduled") {
    out.push({ event: "sync_end", data: { status: "RESCHEDULED", reason: "Source API quota exhausted" } });
  }
  if (sa.is_historical_sync === true && sb.is_historical_sync !== true) out.push({ event: "resync_connector" });
  if (before.schedule_type !== after.schedule_type) out.push({ event: "edit_connector" });
  const notices = (s: Item): string => JSON.stringify([s.update_state, s.warnings, s.tasks]);
  if (out.length === 0 && notices(sb) !== notices(sa)) out.push({ event: "status", data: { status: sa.update_state === "delayed" ? "DELAYED" : "UPDATED" } });
  return out;
}

/** The full payload of one event about one connection, as Fivetran sends it. */
export function eventPayload(e: SimEvent, item: Item, nowMs: number): Record<string, unknown> {
  const sync = e.event === "sync_end" || e.event === "sync_start";
  return {
    event: e.event,
    created: new Date(nowMs).toISOString(),
    connector_type: item.service ?? null,
    connector_id: item.id,
    connector_name: item.schema ?? null,
    ...(sync ? { sync_id: randomUUID() } : {}),
    destination_group_id: item.group_id ?? null,
    ...(e.data ? { data: e.data } : {}),
  };
}

/** POSTs `body` signed with `secret` to `url`; resolves to the HTTP status (0 when the request failed). */
export async function postSigned(url: string, body: string, secret: string, timeoutMs = 5000): Promise<number> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-fivetran-signature-256": signBody(body, secret), "user-agent": "fivetran-simulator" },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  } catch {
    return 0;
  }
}

/** How deliveries misbehave, as Fivetran's sometimes do: late, repeated, out of order. */
export class PushFaults {
  /** Added before each delivery (ms). */
  delayMs = 0;
  /** Extra copies of each delivery (the same body). */
  duplicates = 0;
  /** Events of one change burst are held this long and sent newest first (0: in order). */
  reorderMs = 0;

  /** Applies a control-API body: `{delay_ms, duplicate, reorder_ms}`. */
  configure(body: Record<string, unknown>): void {
    const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0);
    if (body.delay_ms !== undefined) this.delayMs = num(body.delay_ms);
    if (body.duplicate !== undefined) this.duplicates = Math.floor(num(body.duplicate));
    if (body.reorder_ms !== undefined) this.reorderMs = num(body.reorder_ms);
  }

  /** Back to prompt, single, ordered deliveries. */
  clear(): void {
    this.delayMs = 0;
    this.duplicates = 0;
    this.reorderMs = 0;
  }
}

/** Counts of what the pusher did. */
export interface PushStats {
  sent: number;
  failed: number;
}

/** Watches the account and sends each target the signed events of every scripted change. */
export class SimPusher {
  readonly faults = new PushFaults();
  readonly stats: PushStats = { sent: 0, failed: 0 };
  private readonly stop: () => void;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private held: { url: string; secret: string; body: string }[] = [];

  constructor(
    private readonly account: SimAccount,
    private readonly targets: () => PushTarget[],
  ) {
    this.stop = account.watch((change) => this.onChange(change));
  }

  /** Resolves when every delivery started so far has been answered. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0 || this.timers.size > 0) {
      await Promise.all([...this.inFlight]);
      if (this.timers.size > 0) await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Stops watching; pending deliveries are dropped. */
  close(): void {
    this.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private onChange(change: SimChange): void {
    const targets = this.targets();
    if (targets.length === 0) return;
    const item = change.after ?? change.before!;
    for (const e of eventsFor(change)) {
      const body = JSON.stringify(eventPayload(e, item, this.account.now()));
      for (const t of targets) {
        if (t.events !== null && !t.events.includes(e.event)) continue;
        if (t.groupId !== null && t.groupId !== item.group_id) continue;
        for (let copy = 0; copy <= this.faults.duplicates; copy++) this.enqueue({ url: t.url, secret: t.secret, body });
      }
    }
  }

  private enqueue(d: { url: string; secret: string; body: string }): void {
    if (this.faults.reorderMs <= 0) return this.later(() => this.deliver(d), this.faults.delayMs);
    // Hold this burst, then send it newest first.
    if (this.held.length === 0) {
      this.later(() => {
        const burst = this.held.reverse();
        this.held = [];
        for (const h of burst) this.later(() => this.deliver(h), this.faults.delayMs);
      }, this.faults.reorderMs);
    }
    this.held.push(d);
  }

  private later(fn: () => void, ms: number): void {
    if (ms <= 0) return fn();
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private deliver(d: { url: string; secret: string; body: string }): void {
    const p = postSigned(d.url, d.body, d.secret).then((status) => {
      if (status >= 200 && status < 300) this.stats.sent++;
      else this.stats.failed++;
    });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}
