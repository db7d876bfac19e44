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
  received: Received[];
  /** Answer the next `n` requests like this (then 200 again). */
  failNext(n: number, answer: Answer): void;
  /** Answer every request like this until `restore()`. */
  failAlways(answer: Answer): void;
  restore(): void;
  /** Resolves when at least `n` requests were accepted (answered 2xx) in total. */
  waitForAccepted(n: number, timeoutMs?: number): Promise<Received[]>;
  accepted: Received[];
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

/** Starts a receiver on 127.0.0.1 with a random port. */
export async function startReceiver(okBody = "ok"): Promise<Receiver> {
  const received: Received[] = [];
  const accepted: Received[] = [];
  const queue: Answer[] = [];
  let always: Answer | null = null;
  const hanging: ServerResponse[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    void readRequest(req).then(({ body, json }) => {
      const rec: Received = { at: Date.now(), path: req.url ?? "/", headers: req.headers, body, json };
      received.push(rec);
      const answer = queue.length > 0 ? queue.shift()! : (always ?? { status: 200, body: okBody });
      if (answer === "hang") {
        hanging.push(res);
        return;
      }
      res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
      res.end(answer.body ?? "");
      if (answer.status >= 200 && answer.status < 300) accepted.push(rec);
      for (const w of waiters) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    accepted,
    failNext(n, answer) {
      for (let i = 0; i < n; i++) queue.push(answer);
    },
    failAlways(answer) {
      always = answer;
    },
    restore() {
      always = null;
      queue.length = 0;
    },
    waitForAccepted(n, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (accepted.length >= n) {
            done();
            resolve(accepted.slice());
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`only ${accepted.length} of ${n} deliveries accepted within ${timeoutMs} ms`));
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
}
