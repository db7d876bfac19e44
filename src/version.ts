// The running version, read from package.json (one level up from both src/ and dist/, bundled or not).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
/** The running version, from package.json. */
export const VERSION: string = (require("../package.json") as { version: string }).version;
