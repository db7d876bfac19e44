// Reads a state file and its journal without the lock and without writing, moving or truncating anything.
import { promises as fs } from "node:fs";
import { applyJournalEntry, decodeStateFile } from "./codec.js";
import type { PersistedState } from "./types.js";

/**
 * The state as of its last complete save: the file, then the complete entries of its journal (an entry cut short
 * by a save in progress, and anything after it, is skipped, not repaired). Throws an Error saying what is wrong when
 * the file cannot be read or is not a syncwatch state; the files are left exactly as they were.
 */
export async function readStateReadOnly(path: string): Promise<PersistedState> {
  const text = await fs.readFile(path, "utf8");
  const { state, journal } = decodeStateFile(text);
  if (journal === null) return state;
  let buf: Buffer;
  try {
    buf = await fs.readFile(`${path}.journal`);
  } catch {
    return state;
  }
  const headerEnd = buf.indexOf(0x0a);
  if (headerEnd < 0 || journalIdOf(buf.toString("utf8", 0, headerEnd)) !== journal) return state;
  for (let start = headerEnd + 1, end = buf.indexOf(0x0a, start); end >= 0; start = end + 1, end = buf.indexOf(0x0a, start)) {
    // applyJournalEntry changes nothing when it throws: the state stays as of the last good entry.
    try {
      applyJournalEntry(state, buf.toString("utf8", start, end));
    } catch {
      break;
    }
  }
  return state;
}

function journalIdOf(line: string): unknown {
  try {
    return (JSON.parse(line) as { journal?: unknown }).journal;
  } catch {
    return undefined;
  }
}
