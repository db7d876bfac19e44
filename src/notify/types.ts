// The Notifier interface every channel implements, and the digest it sends.
import type { Alert } from "../health/model.js";
import type { ChannelName } from "../config/schema.js";

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

/** One delivery channel. `send` resolves when the channel accepted the whole digest. */
export interface Notifier {
  readonly name: ChannelName;
  /**
   * Deliver one digest. Throws `NotifyError` with `retryable` and `reason` on failure; never puts
   * a URL, token or password in the error. Must give up promptly when `signal` aborts.
   */
  send(digest: Digest, signal?: AbortSignal): Promise<void>;
  /** Release connections (SMTP pool, HTTP agents). */
  close?(): Promise<void>;
}
