// Real HTTP receivers on 127.0.0.1 for alert deliveries: they record what arrives and can fail on purpose.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a receiver got. */
export interface Received {
  at: number;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  json: unknown;
}

/** How the receiver answers the next request. */
export type Answer = { status: number; body?: string; headers?: Record<string, string> } | "hang";

/** A recording HTTP receiver whose answers a test can script. */
export interface Receiver {
  url: string;
  /** Every request, in arrival order. */
  received: Received[];
  /** The requests answered 2xx. */
  accepted: Received[];
  /** Answers for the next requests, in order; after them, `fallback`. */
  replies: Answer[];
  /** The answer when no reply is queued (200 with the ok body unless changed). */
  fallback: Answer;
  /** Called when a request has arrived, before it is answered. */
  onRequest: (() => void) | null;
  /** Answer the next `n` requests like this (then the fallback again). */
  failNext(n: number, answer: Answer): void;
  /** Answer every request like this until `restore()`. */
  failAlways(answer: Answer): void;
  /** Back to answering 200 with the ok body, nothing queued. */
  restore(): void;
  /** Resolves when at least `n` requests were accepted (answered 2xx) in total. */
  waitForAccepted(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/** Reads a request's whole body, and its JSON when it is JSON (else null). */
export async function readRequest(req: IncomingMessage): Promise<{ body: string; json: unknown }> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  const body = Buffer.concat(chunks).toString("utf8");
  try {
    return { body, json: JSON.parse(body) as unknown };
  } catch {
    return { body, json: null };
  }
}

/** Starts a receiver on 127.0.0.1 with a random port; its URL ends in `path`. */
export async function startReceiver(okBody = "ok", path = "/hook"): Promise<Receiver> {
  const ok: Answer = { status: 200, body: okBody };
  const hanging: ServerResponse[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    void readRequest(req).then(({ body, json }) => {
      const rec: Received = { at: Date.now(), path: req.url ?? "/", headers: req.headers, body, json };
      r.received.push(rec);
      r.onRequest?.();
      const answer = r.replies.length > 0 ? r.replies.shift()! : r.fallback;
      if (answer === "hang") {
        hanging.push(res);
        return;
      }
      if (answer.status >= 200 && answer.status < 300) r.accepted.push(rec);
      res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
      res.end(answer.body ?? "");
      for (const w of waiters) w();
    });
  });
  const r: Receiver = {
    url: "",
    received: [],
    accepted: [],
    replies: [],
    fallback: ok,
    onRequest: null,
    failNext(n, answer) {
      for (let i = 0; i < n; i++) r.replies.push(answer);
    },
    failAlways(answer) {
      r.fallback = answer;
    },
    restore() {
      r.fallback = ok;
      r.replies.length = 0;
    },
    waitForAccepted(n, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (r.accepted.length >= n) {
            done();
            resolve(r.accepted.slice());
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`only ${r.accepted.length} of ${n} deliveries accepted within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return r;
}
