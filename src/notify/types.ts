// The Notifier interface every channel implements, and the digest it sends.
import type { Alert } from "../health/model.js";
import type { ChannelName } from "./registry.js";

/** All notifications of one cycle for one channel, sent as one message (or a few, where a channel must split). */
export interface Digest {
  /** Stable id (cycle time + channel), used to log and de-duplicate queued sends. */
  id: string;
  /** When the cycle that produced it ran (epoch ms). */
  created_at: number;
  /** True for the first cycle with no saved state: "what is already firing". */
  baseline: boolean;
  /** Most severe first, firing before resolved; builders rely on this order. */
  alerts: Alert[];
}

/**
 * Where a digest that a channel sends in several parts (the webhook) stands, so that a retry resumes after
 * the parts the receiver already accepted instead of sending them again. Channels that send one message ignore it.
 */
export interface SendProgress {
  /** How many leading alerts of the digest the receiver already accepted; they are not sent again. */
  alertsSent: number;
  /** Called after each accepted part with the new total of accepted leading alerts. */
  onAccepted(alertsSent: number): void;
}

/** One delivery channel. `send` resolves when the channel accepted the whole digest. */
export interface Notifier {
  readonly name: ChannelName;
  /**
   * Deliver one digest. Throws `NotifyError` with `retryable` and `reason` on failure; never puts
   * a URL, token or password in the error. Must give up promptly when `signal` aborts.
   */
  send(digest: Digest, signal?: AbortSignal, progress?: SendProgress): Promise<void>;
  /**
   * Sends one clearly marked test message ("syncwatch test message — not an alert"); resolves when the channel
   * accepted it, throws `NotifyError` (no secret inside) when not. `test-notify` calls it.
   */
  sendTest(signal?: AbortSignal): Promise<void>;
  /**
   * Channels whose receiver forgets an alert that is not re-sent (Alertmanager) re-send what fires on their own
   * timer, this often (ms); the composition root runs the timer (see `Refresher`).
   */
  readonly refreshIntervalMs?: number;
  /** Re-sends the firing alerts routed to this channel; `firing` is read once the channel is ready to send. */
  refresh?(firing: () => readonly Alert[], signal?: AbortSignal): Promise<void>;
  /** Release connections (SMTP pool, HTTP agents). */
  close?(): Promise<void>;
}

/** The text every channel's test message carries. */
export const TEST_MESSAGE = "syncwatch test message — not an alert";
