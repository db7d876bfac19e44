// The control API's string commands (`{action: "break", id, ...}`) dispatched to the account's mutations.
import type { SimAccount } from "./account.js";
import type { CorruptKind } from "./connection.js";

/** Runs one named action on the account; returns what the action returns. Unknown actions throw. */
export function applyAction(account: SimAccount, action: string, args: Record<string, unknown>): unknown {
  const id = typeof args.id === "string" ? args.id : "";
  const str = (k: string): string | undefined => (typeof args[k] === "string" ? (args[k]) : undefined);
  const num = (k: string): number | undefined => (typeof args[k] === "number" ? (args[k]) : undefined);
  switch (action) {
    case "break":
      return account.break(id, { title: str("title"), message: str("message") });
    case "fix":
      return account.fix(id);
    case "fail":
      return account.fail(id);
    case "delay":
      return account.delay(id);
    case "makeStale":
    case "stale":
      return account.makeStale(id, num("hours") ?? 72);
    case "warn":
      return account.warn(id, str("code") ?? "warning", str("message"));
    case "clearWarning":
      return account.clearWarning(id, str("code") ?? "");
    case "addTask":
    case "task":
      return account.addTask(id, str("code") ?? "task", str("message"));
    case "clearTask":
      return account.clearTask(id, str("code") ?? "");
    case "pause":
      return account.pause(id);
    case "resume":
      return account.resume(id);
    case "manual":
      return account.setManual(id, args.manual !== false);
    case "resync":
      return account.resync(id);
    case "reschedule":
      return account.reschedule(id, num("minutes"));
    case "remove":
      return account.remove(id);
    case "add":
      return account.add({ group_id: str("group_id"), service: str("service"), schema: str("schema"), paused: args.paused === true, sync_frequency: num("sync_frequency") });
    case "corrupt":
      return account.corrupt(id, (str("kind") ?? "status_not_object") as CorruptKind);
    case "error":
      return account.setError(id, {
        type: str("type") ?? "unknown_sync_failure",
        title: str("title") ?? "Sync failed",
        reason: str("reason") ?? "",
        message: str("message") ?? "",
      });
    case "uncorrupt":
      return account.uncorrupt(id);
    default:
      throw new Error(`unknown action "${action}"`);
  }
}
