// The pure per-cycle judge: previous state + this cycle's snapshots → next state, alert events, lifecycle events.
import { CONDITION_TABLE, conditionSpec } from "./condition-table.js";
import { exemption, visitConditions } from "./conditions.js";
import { compareEvents, reminderDue, toAlert, type AlertEvent } from "./events.js";
import {
  alertKey,
  recordsInOrder,
  WATCHER_CONNECTION_ID,
  type AlertRecord,
  type ConditionKind,
  type ConnectionRecord,
  type ConnectionSnapshot,
  type HealthState,
  type LifecycleEvent,
  type ResolveReason,
  type Severity,
} from "./model.js";
import { LayeredConnections } from "./layered.js";
import { conditionRules, effectiveRules, isIgnored, type EffectiveRules, type Rules } from "./rules.js";

/** This cycle's observation: every connection listed, by id. */
export interface CurrentSnapshot {
  connections: ReadonlyMap<string, ConnectionSnapshot>;
}

/** What `diff` returns. */
export interface DiffResult {
  next: HealthState;
  /** Sorted: most severe first, then connection id, then condition. */
  events: AlertEvent[];
  /** Counted and logged, not alerted. No `added` events in the baseline cycle (every connection would be one). */
  lifecycle: LifecycleEvent[];
}

/** Per-cycle working state; the visitor is one bound method so healthy connections allocate nothing. */
class Judge {
  readonly alerts: Map<string, AlertRecord>;
  readonly held = new Set<string>();
  readonly events: AlertEvent[] = [];
  snapshot!: ConnectionSnapshot;
  eff!: EffectiveRules;

  constructor(
    previous: HealthState,
    readonly now: number,
    readonly rules: Rules,
    readonly baseline: boolean,
  ) {
    this.alerts = new Map(previous.alerts);
  }

  emit(type: AlertEvent["type"], rec: AlertRecord, snapshot: ConnectionSnapshot | undefined, reason: ResolveReason | null = null): void {
    if (type === "resolved" && !this.rules.sendResolved) return;
    this.events.push({ type, alert: toAlert(rec, snapshot, type, this.now, reason), baseline: this.baseline });
  }

  /** Called for each condition that holds on `this.snapshot`. */
  readonly visit = (condition: string, kind: ConditionKind, severity: Severity, summary: string): void => {
    const { now, snapshot } = this;
    const key = alertKey(snapshot.id, condition);
    this.held.add(key);
    const rec = this.alerts.get(key);
    if (rec === undefined || rec.phase === "pending") {
      const streak = (rec?.streak ?? 0) + 1;
      const fireAfter = this.eff.matched === null ? this.eff.fireAfter : conditionRules(this.rules, this.eff, condition, severity).fireAfter;
      if (this.baseline || streak >= fireAfter) {
        const fired: AlertRecord = {
          connection_id: snapshot.id,
          condition,
          severity,
          phase: "firing",
          streak: 0,
          started_at: now,
          summary,
          last_notified_at: now,
        };
        this.alerts.set(key, fired);
        this.emit("firing", fired, snapshot);
      } else {
        this.alerts.set(key, {
          connection_id: snapshot.id,
          condition,
          severity,
          phase: "pending",
          streak,
          started_at: rec?.started_at ?? now,
          summary,
          last_notified_at: null,
        });
      }
      return;
    }
    // Firing and still holding: refresh the summary, reset the clear streak, remind when due.
    const fresh = CONDITION_TABLE[kind].enrichedWithErrors && rec.summary.startsWith(`${summary}: `) ? rec.summary : summary;
    const remind = reminderDue(rec, now, this.rules.repeatIntervalMs);
    if (fresh === rec.summary && rec.streak === 0 && !remind) return;
    const updated: AlertRecord = { ...rec, summary: fresh, streak: 0, last_notified_at: remind ? now : rec.last_notified_at };
    this.alerts.set(key, updated);
    if (remind) this.emit("reminder", updated, snapshot);
  };

  /** Drops an alert record; a firing one resolves (with an event when resolves are sent). */
  resolve(key: string, rec: AlertRecord, snapshot: ConnectionSnapshot | undefined, reason: ResolveReason | null): void {
    this.alerts.delete(key);
    if (rec.phase === "firing") this.emit("resolved", rec, snapshot, reason);
  }
}

/**
 * Judges one successful cycle. Never mutates `previous`: the next state's Maps are new (unchanged connection records
 * are reused), so a state once published stays as it was. The next state has `baseline_done` true and
 * `last_success_at` = `now`. The `watcher_blind` alert is left alone.
 */
export function diff(previous: HealthState, current: CurrentSnapshot, now: number, rules: Rules): DiffResult {
  const baseline = !previous.baseline_done;
  const judge = new Judge(previous, now, rules, baseline);
  const connections = new Map<string, ConnectionRecord>();
  const known = previous.connections.size;
  const lifecycle: LifecycleEvent[] = [];
  let carried = 0;
  // Nothing to look up in an empty state (the first cycle): every connection is new.
  const previousRecord = known === 0 ? noRecord : recordsInOrder(previous.connections);

  for (const snap of current.connections.values()) {
    const id = snap.id;
    if (id === WATCHER_CONNECTION_ID) continue;
    const prevRec = previousRecord(id);
    if (prevRec !== undefined) carried++;
    connections.set(id, judgeConnection(judge, prevRec, snap, lifecycle));
  }

  // Removed connections (skip the scan when every previous connection was seen again).
  const removed = new Map<string, ConnectionSnapshot>();
  if (carried !== known) {
    for (const [id, rec] of previous.connections) if (!connections.has(id)) removed.set(id, rec.snapshot);
  }
  for (const [id, last] of removed) if (id !== WATCHER_CONNECTION_ID) lifecycle.push({ kind: "removed", connection_id: id, snapshot: last });

  // Alerts whose condition no longer holds: removed, exempt, ignored, or clearing.
  for (const [key, rec] of previous.alerts) {
    if (judge.held.has(key) || rec.connection_id === WATCHER_CONNECTION_ID) continue;
    // `connections` holds exactly this cycle's connections (looked up there: a listing may have no id index).
    const snap = connections.get(rec.connection_id)?.snapshot;
    if (snap === undefined) judge.resolve(key, rec, removed.get(rec.connection_id), "removed");
    else settle(judge, key, rec, snap);
  }

  judge.events.sort(compareEvents);
  return {
    next: { baseline_done: true, connections, alerts: judge.alerts, last_success_at: now },
    events: judge.events,
    lifecycle,
  };
}

/**
 * Judges a few freshly read connections (a pushed read) as one cycle would judge them, leaving every other
 * connection, the baseline, `last_success_at` and the `watcher_blind` alert alone; never removes a connection. Costs the
 * size of `snapshots` plus one pass over the alerts, not over the connections: the next state lays the new records
 * over `previous.connections` without copying it. Call it only once the baseline is done.
 */
export function judgeSome(previous: HealthState, snapshots: readonly ConnectionSnapshot[], now: number, rules: Rules): DiffResult {
  const judge = new Judge(previous, now, rules, false);
  const lifecycle: LifecycleEvent[] = [];
  const judged = new Map<string, ConnectionRecord>();
  for (const snap of snapshots) {
    if (snap.id === WATCHER_CONNECTION_ID) continue;
    const prevRec = judged.get(snap.id) ?? previous.connections.get(snap.id);
    judged.set(snap.id, judgeConnection(judge, prevRec, snap, lifecycle));
  }
  for (const [key, rec] of previous.alerts) {
    const mine = judged.get(rec.connection_id);
    if (mine === undefined || judge.held.has(key)) continue;
    settle(judge, key, rec, mine.snapshot);
  }
  judge.events.sort(compareEvents);
  const connections = judged.size === 0 ? previous.connections : LayeredConnections.over(previous.connections, judged.values());
  return { next: { ...previous, connections, alerts: judge.alerts }, events: judge.events, lifecycle };
}

/** Judges one listed connection against its previous record: lifecycle changes, conditions; returns its next record. */
function judgeConnection(judge: Judge, prevRec: ConnectionRecord | undefined, snap: ConnectionSnapshot, lifecycle: LifecycleEvent[]): ConnectionRecord {
  const { now, rules } = judge;
  const id = snap.id;
  let resumedAt = prevRec?.resumed_at ?? null;
  if (prevRec === undefined) {
    if (!judge.baseline) lifecycle.push({ kind: "added", connection_id: id, snapshot: snap });
  } else {
    const p = prevRec.snapshot;
    if (p !== snap) {
      if (p.paused !== true && snap.paused === true) lifecycle.push({ kind: "paused", connection_id: id, snapshot: snap });
      else if (p.paused === true && snap.paused !== true) {
        lifecycle.push({ kind: "resumed", connection_id: id, snapshot: snap });
        resumedAt = now;
      }
      if (p.schedule_type !== "manual" && snap.schedule_type === "manual") lifecycle.push({ kind: "manual", connection_id: id, snapshot: snap });
      else if (p.schedule_type === "manual" && snap.schedule_type !== "manual") {
        lifecycle.push({ kind: "automatic", connection_id: id, snapshot: snap });
        resumedAt = now;
      }
      if (p.is_historical_sync !== true && snap.is_historical_sync === true) lifecycle.push({ kind: "historical_sync_started", connection_id: id, snapshot: snap });
      if (snap.rescheduled_for !== null && snap.rescheduled_for !== p.rescheduled_for) lifecycle.push({ kind: "rescheduled", connection_id: id, snapshot: snap });
    }
  }
  judge.snapshot = snap;
  judge.eff = effectiveRules(rules, snap);
  visitConditions(snap, resumedAt, now, rules, judge.eff, judge.visit);
  // Unchanged records are reused: the metrics and the state file recognise them by identity.
  return prevRec !== undefined && prevRec.snapshot === snap && prevRec.resumed_at === resumedAt ? prevRec : { snapshot: snap, resumed_at: resumedAt };
}

/** An alert of a listed connection whose condition did not hold this time: dropped, exempted, cleared or counted. */
function settle(judge: Judge, key: string, rec: AlertRecord, snap: ConnectionSnapshot): void {
  const { now, rules } = judge;
  if (rec.phase === "pending") {
    judge.alerts.delete(key);
    return;
  }
  const exempt = exemption(snap);
  if (exempt !== null && conditionSpec(rec.condition)?.exemptWhilePaused === true) {
    judge.resolve(key, rec, snap, exempt);
    return;
  }
  const r = conditionRules(rules, effectiveRules(rules, snap), rec.condition, rec.severity);
  const streak = rec.streak + 1;
  if (isIgnored(r, rec.condition) || streak >= r.clearAfter) {
    judge.resolve(key, rec, snap, null);
    return;
  }
  const remind = reminderDue(rec, now, rules.repeatIntervalMs);
  const updated: AlertRecord = { ...rec, streak, last_notified_at: remind ? now : rec.last_notified_at };
  judge.alerts.set(key, updated);
  if (remind) judge.emit("reminder", updated, snap);
}

function noRecord(): undefined {
  return undefined;
}
