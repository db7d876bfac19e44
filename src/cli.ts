#!/usr/bin/env node
// The `syncwatch` executable: hands argv to main() and exits with its code.
import { main } from "./main.js";

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Exit promptly even if a library left a handle open; the timer itself keeps nothing alive.
setTimeout(() => process.exit(code), 200).unref();
