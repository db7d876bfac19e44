// The outbox: digests waiting per channel, as plain JSON persisted in the state file; building and bounding it.
import * as z from "zod";
import type { Alert } from "../health/model.js";
import { CHANNEL_NAMES, type ChannelName } from "./registry.js";
import { compareAlerts } from "../health/events.js";
import type { Digest } from "./types.js";

/** A digest waiting to be sent, with how many of its leading alerts a multi-part channel already delivered. */
export interface QueuedDigest extends Digest {
  /** Leading alerts the receiver already accepted (webhook parts); a retry resumes after them. */
  alerts_sent: number;
}

/** Digests waiting per channel, oldest first. Plain JSON: persisted as-is in the state file. */
export interface Outbox {
  channels: Partial<Record<ChannelName, QueuedDigest[]>>;
}

/** An outbox with nothing queued. */
export function emptyOutbox(): Outbox {
  return { channels: {} };
}

const alertSchema = z.object({
  status: z.enum(["firing", "resolved"]),
  connection_id: z.string(),
  condition: z.string(),
  severity: z.enum(["critical", "warning"]),
  group_id: z.string(),
  service: z.string(),
  schema: z.string(),
  summary: z.string(),
  started_at: z.number().finite(),
  resolved_at: z.number().finite().nullable(),
  reason: z.enum(["paused", "manual", "removed"]).nullable(),
  reminder: z.boolean(),
  // Absent from digests queued by earlier releases.
  group_name: z.string().nullable().default(null),
  connection_url: z.string().nullable().default(null),
  runbook_url: z.string().nullable().default(null),
});

const queuedSchema = z.object({
  id: z.string(),
  created_at: z.number().finite(),
  baseline: z.boolean(),
  alerts: z.array(z.unknown()),
  alerts_sent: z.number().int().nonnegative().optional(),
});

/**
 * Reads an outbox from anything (an old or garbled state file), once, on load: keeps every readable digest of a
 * known channel and every readable alert in it, drops the rest; returns fresh objects, never the input's.
 */
export function parseOutbox(value: unknown): Outbox {
  const out = emptyOutbox();
  if (typeof value !== "object" || value === null) return out;
  const channels = (value as { channels?: unknown }).channels;
  if (typeof channels !== "object" || channels === null) return out;
  for (const channel of CHANNEL_NAMES) {
    const queue = (channels as Record<string, unknown>)[channel];
    if (!Array.isArray(queue)) continue;
    const kept: QueuedDigest[] = [];
    for (const item of queue) {
      const parsed = queuedSchema.safeParse(item);
      if (!parsed.success) continue;
      const alerts: Alert[] = [];
      for (const a of parsed.data.alerts) {
        const alert = alertSchema.safeParse(a);
        if (alert.success) alerts.push({ ...alert.data });
      }
      if (alerts.length === 0) continue;
      const sent = Math.min(parsed.data.alerts_sent ?? 0, alerts.length);
      if (sent >= alerts.length) continue;
      kept.push({ id: parsed.data.id, created_at: parsed.data.created_at, baseline: parsed.data.baseline, alerts, alerts_sent: sent });
    }
    if (kept.length > 0) out.channels[channel] = kept;
  }
  return out;
}

/** Digests given up on when a channel's queue was full. `count` is the number of unsent alerts in them. */
export interface QueueDrop {
  channel: ChannelName;
  count: number;
}

/**
 * Appends one digest per channel for this cycle (id `${cycleAt}-${channel}`, alerts most severe first) and
 * bounds each queue to `maxQueued` digests by dropping the oldest, which are reported. The input is not changed.
 */
export function enqueue(
  outbox: Outbox,
  byChannel: ReadonlyMap<ChannelName, readonly Alert[]>,
  cycleAt: number,
  baseline: boolean,
  maxQueued: number,
): { outbox: Outbox; dropped: QueueDrop[] } {
  const next = emptyOutbox();
  const dropped: QueueDrop[] = [];
  const limit = Math.max(1, Math.floor(maxQueued));
  for (const channel of CHANNEL_NAMES) {
    const alerts = byChannel.get(channel);
    const queue = [...(outbox.channels[channel] ?? [])];
    if (alerts !== undefined && alerts.length > 0) {
      const id = `${cycleAt}-${channel}`;
      // The same cycle queued twice (a re-run after a crash) must not send twice.
      if (!queue.some((d) => d.id === id)) {
        queue.push({ id, created_at: cycleAt, baseline, alerts: [...alerts].sort(compareAlerts), alerts_sent: 0 });
      }
    }
    if (queue.length > limit) {
      const gone = queue.splice(0, queue.length - limit);
      dropped.push({ channel, count: gone.reduce((n, d) => n + d.alerts.length - d.alerts_sent, 0) });
    }
    if (queue.length > 0) next.channels[channel] = queue;
  }
  return { outbox: next, dropped };
}

/** Digests queued per channel. */
export function queuedByChannel(outbox: Outbox): Partial<Record<ChannelName, number>> {
  const out: Partial<Record<ChannelName, number>> = {};
  for (const channel of CHANNEL_NAMES) {
    const q = outbox.channels[channel];
    if (q !== undefined && q.length > 0) out[channel] = q.length;
  }
  return out;
}
