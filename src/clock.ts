// Time as a parameter: the Clock and Sleep types every loop, notifier and client takes, and their real defaults.

/** The current time in epoch ms. */
export type Clock = () => number;

/** Waits `ms`; rejects promptly (with the signal's reason) when `signal` aborts. Tests inject a fake. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real sleep: a timer that an AbortSignal cuts short. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
