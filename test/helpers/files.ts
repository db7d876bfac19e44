// File-system snapshots for tests that prove syncwatch touched nothing.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Every file and directory under `dir`, each file with its bytes: equal before and after means nothing changed. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = join(e.parentPath, e.name);
    out[p] = e.isFile() ? readFileSync(p, "latin1") : "<dir>";
  }
  return out;
}
