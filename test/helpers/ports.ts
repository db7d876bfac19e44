// A free TCP port on 127.0.0.1, for a process a test starts that must be told its port in advance.
import { createServer } from "node:net";

/** A port that was free a moment ago (the OS picked it; the test's process binds it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
