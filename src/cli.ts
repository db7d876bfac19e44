#!/usr/bin/env node
// The `syncwatch` executable: hands argv to main() and exits with its code.
import { main } from "./main.js";

const code = await main(process.argv.slice(2));
process.exitCode = code;
// main() has finished everything it started (saves, deliveries, the server's close): exit as soon as what it wrote
// has reached stdout and stderr. Waiting for the event loop to drain instead waits for V8's background work too (a
// concurrent marking or compile job): ~50-100 ms at the end of `once` on 10,000 connections, for nothing.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) resolve();
    else stream.write("", () => resolve());
  });
}
