// The V8 inspector of a child started with `--inspect=127.0.0.1:0`: a test instrument that forces full garbage
// collections and reads the heap, so memory is measured at the same point every time instead of wherever V8's own
// collections happened to fall.
import { WebSocket } from "undici";

export interface Inspector {
  /** Bytes of V8 heap in use right after a full collection forced now. */
  heapAfterFullGc(): Promise<number>;
  close(): void;
}

/** The inspector's WebSocket address, from what node printed on stderr ("Debugger listening on ws://…"). */
export function inspectorUrl(output: string): string | null {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1] ?? null;
}

export async function openInspector(url: string): Promise<Inspector> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error(`cannot open the inspector at ${url}`)));
  });
  let next = 0;
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (e: Error) => void }>();
  ws.addEventListener("message", (e) => {
    const reply = JSON.parse(String(e.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const waiter = reply.id === undefined ? undefined : pending.get(reply.id);
    if (!waiter) return; // an event, not a reply
    pending.delete(reply.id!);
    if (reply.error) waiter.reject(new Error(reply.error.message));
    else waiter.resolve(reply.result);
  });
  ws.addEventListener("close", () => {
    for (const w of pending.values()) w.reject(new Error("the inspector closed"));
    pending.clear();
  });
  const call = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method }));
    });
  return {
    async heapAfterFullGc() {
      await call("HeapProfiler.collectGarbage");
      return ((await call("Runtime.getHeapUsage")) as { usedSize: number }).usedSize;
    },
    close: () => ws.close(),
  };
}
