#!/usr/bin/env node
// The `syncwatch` executable: hands argv to main() and exits with its code.
import { main } from "./main.js";

// A reader that stops early (`syncwatch once --json | head`) closes the pipe: the rest of the output has nowhere to
// go, which is not an error of syncwatch's. Any other write error still is.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
  });
}

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
