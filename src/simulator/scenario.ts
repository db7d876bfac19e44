// Scripted incidents over time: the demo's timeline (breaks, failures, delays, warnings, a stale connection, fixes).
import type { SimAccount } from "./account.js";

/** One scripted change, `atMs` after the script starts, with a note a person can read. */
export interface ScenarioStep {
  atMs: number;
  note: string;
  apply(account: SimAccount): void;
}

/** Healthy, running connections of the account (the demo's cast), in listing order. */
function healthyIds(account: SimAccount): string[] {
  return account
    .truth()
    .filter((c) => {
      const s = c.status as Record<string, unknown> | null;
      return c.paused === false && c.schedule_type === "auto" && s?.setup_state === "connected" && s.update_state === "on_schedule";
    })
    .map((c) => c.id as string);
}

function label(account: SimAccount, id: string): string {
  const c = account.get(id);
  return c ? `${String(c.service)} ${String(c.schema)}` : id;
}

/** About 90 seconds of incidents and recoveries on the account's connections. */
export function demoScenario(account: SimAccount): ScenarioStep[] {
  const ids = healthyIds(account);
  // Spread the cast over the listing (every 7th when there are enough), so incidents land on different pages and groups.
  const spaced = ids.filter((_, i) => i % 7 === 3);
  const cast = (spaced.length >= 8 ? spaced : ids).slice(0, 8);
  if (cast.length < 8) return [];
  const [a, b, c, d, e, f, g, h] = cast as [string, string, string, string, string, string, string, string];
  const s = 1000;
  let added = "";
  return [
    { atMs: 8 * s, note: `${label(account, a)}: setup broken (Invalid login credentials.)`, apply: (x) => x.break(a, { title: "Validate Login", message: "Invalid login credentials." }) },
    { atMs: 14 * s, note: `${label(account, b)}: a sync failed`, apply: (x) => x.fail(b) },
    { atMs: 20 * s, note: `${label(account, c)}: updates delayed`, apply: (x) => x.delay(c) },
    { atMs: 26 * s, note: `${label(account, d)}: new warning resync_table_warning`, apply: (x) => x.warn(d, "resync_table_warning", "A table needs a re-sync") },
    { atMs: 32 * s, note: `${label(account, e)}: no successful sync for 3 days`, apply: (x) => x.makeStale(e, 72) },
    { atMs: 38 * s, note: `${label(account, f)}: a task for the user (reconnect)`, apply: (x) => x.addTask(f, "reconnect", "Reconnect the source: the OAuth token expired") },
    { atMs: 44 * s, note: `${label(account, a)}: credentials fixed`, apply: (x) => x.fix(a) },
    {
      atMs: 50 * s,
      note: "a new connection is added",
      apply: (x) => {
        added = x.add({ service: "stripe" });
      },
    },
    { atMs: 56 * s, note: `${label(account, b)}: paused by its owner`, apply: (x) => x.pause(b) },
    { atMs: 62 * s, note: `${label(account, g)}: setup broken (host unreachable)`, apply: (x) => x.break(g, { title: "Connecting to host", message: "Connection timed out after 30 s" }) },
    { atMs: 68 * s, note: `${label(account, h)}: connection deleted`, apply: (x) => x.remove(h) },
    { atMs: 74 * s, note: `${label(account, c)} and ${label(account, d)}: back to normal`, apply: (x) => (x.fix(c), x.fix(d)) },
    { atMs: 80 * s, note: `${label(account, e)} synced again; task done`, apply: (x) => (x.fix(e), x.fix(f)) },
    {
      atMs: 86 * s,
      note: `${label(account, g)} fixed; the new connection is removed again`,
      apply: (x) => {
        x.fix(g);
        if (added) x.remove(added);
      },
    },
  ];
}

/** Options of `runScenario`. */
export interface RunScenarioOptions {
  /** Called after each step was applied. */
  onStep?: (step: ScenarioStep) => void;
  /** Called when a step throws (for example its connection was removed meanwhile); the script goes on. */
  onError?: (err: unknown, step: ScenarioStep) => void;
  /** Runs `fn` after `ms` and returns a cancel function; defaults to unref'd timers. Tests pass a fake one. */
  schedule?: (fn: () => void, ms: number) => () => void;
}

function realSchedule(fn: () => void, ms: number): () => void {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
}

/** Runs the steps on timers (they never keep the process alive); returns a function that stops the rest. */
export function runScenario(account: SimAccount, steps: readonly ScenarioStep[], opts: RunScenarioOptions = {}): () => void {
  const schedule = opts.schedule ?? realSchedule;
  // Steps with the same atMs keep their order: each is scheduled only after the previous one ran.
  const ordered = steps.map((step, i) => ({ step, i })).sort((a, b) => a.step.atMs - b.step.atMs || a.i - b.i);
  let cancel: (() => void) | null = null;
  let stopped = false;
  let elapsed = 0;
  const next = (k: number): void => {
    const entry = ordered[k];
    if (stopped || !entry) return;
    const { step } = entry;
    cancel = schedule(() => {
      elapsed = step.atMs;
      try {
        step.apply(account);
        opts.onStep?.(step);
      } catch (err) {
        opts.onError?.(err, step);
      }
      next(k + 1);
    }, Math.max(0, step.atMs - elapsed));
  };
  next(0);
  return () => {
    stopped = true;
    cancel?.();
  };
}
