// The V8 heap in use right after the last full garbage collection: the memory the process really keeps.
import { constants, PerformanceObserver } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";

let observer: PerformanceObserver | null = null;
let afterLastFullGc: number | null = null;

/**
 * Bytes of V8 heap in use just after the last full (mark-compact) collection, or null before the first one.
 * RSS and the used heap swing with garbage between collections (a large account's sawtooth spans hundreds of MB),
 * so growth of this value is the signal of a leak. Garbage collection is per process, so one observer serves every
 * caller; it starts on the first call.
 */
export function liveHeapBytes(): number | null {
  if (observer === null) {
    observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = ((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind;
        if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) afterLastFullGc = getHeapStatistics().used_heap_size;
      }
    });
    observer.observe({ entryTypes: ["gc"] });
  }
  return afterLastFullGc;
}
