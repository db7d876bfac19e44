// Time as a parameter: the sleep and clock types the notifiers and the pipeline take, and their real defaults.
import { setTimeout as delay } from "node:timers/promises";

/** Waits `ms`; rejects promptly when `signal` aborts. Tests inject a fake. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The current time in epoch ms. */
export type Clock = () => number;

/** The real sleep (timers/promises), abortable. */
export const realSleep: Sleep = async (ms, signal) => {
  await delay(Math.max(0, ms), undefined, signal ? { signal } : undefined);
};
