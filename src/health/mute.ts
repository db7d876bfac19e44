// Mute intervals: weekdays and times of day in a named time zone (DST-safe through Intl), with matchers. Pure.
import { compileMatcher, type AlertMatcher, type CompiledMatcher } from "./matcher.js";

/** A mute interval as config writes it. */
export interface MuteIntervalConfig {
  readonly name: string;
  /** An IANA time zone name ("Europe/Berlin", "UTC"). */
  readonly time_zone: string;
  /** Day names or ranges ("monday:friday", "sat", "sunday"); empty or absent: every day. */
  readonly weekdays?: readonly string[] | undefined;
  /** Times of day "HH:MM" (end exclusive, "24:00" allowed); an end at or before the start runs past midnight. Empty: all day. */
  readonly times?: readonly { readonly start: string; readonly end: string }[] | undefined;
  readonly match?: AlertMatcher | undefined;
}

/** A mute interval ready to be asked about instants. */
export interface MuteInterval {
  readonly name: string;
  readonly match: CompiledMatcher;
  /** True when the window is open at `now` (epoch ms). */
  active(now: number): boolean;
}

const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;

/** The day number (0 Sunday … 6 Saturday) of a day name or its first three letters, or null. */
export function weekdayNumber(name: string): number | null {
  const n = name.trim().toLowerCase();
  if (n.length < 3) return null;
  const k = DAYS.findIndex((d) => d === n || d.slice(0, 3) === n);
  return k < 0 ? null : k;
}

/** The days a weekday spec names ("monday:friday", "sat:mon" wraps), or an error text. */
export function parseWeekdays(spec: string): number[] | string {
  const [from, to, extra] = spec.split(":");
  if (extra !== undefined) return `"${spec}" is not a day or a range of days ("monday:friday")`;
  const a = weekdayNumber(from ?? "");
  const b = to === undefined ? a : weekdayNumber(to);
  if (a === null || b === null) return `"${spec}" is not a day or a range of days ("monday:friday")`;
  const out: number[] = [];
  for (let d = a; ; d = (d + 1) % 7) {
    out.push(d);
    if (d === b) break;
  }
  return out;
}

/** Minutes after midnight of "HH:MM" (00:00 … 24:00), or null. */
export function parseTimeOfDay(text: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (m === null) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes > 1440 ? null : minutes;
}

/** True when `zone` is a time zone this runtime knows (IANA names, "UTC"). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Reads an instant's local weekday (0 Sunday) and minutes after midnight in one time zone. */
export type LocalClock = (now: number) => { weekday: number; minutes: number };

/**
 * The local clock of a time zone: each instant is converted by Intl on its own, so a DST change moves the wall clock
 * the way people in that zone see it (no offsets added by hand).
 */
export function localClock(zone: string): LocalClock {
  const fmt = new Intl.DateTimeFormat("en-US", { timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return (now) => {
    let weekday = 0;
    let hour = 0;
    let minute = 0;
    for (const p of fmt.formatToParts(now)) {
      if (p.type === "weekday") weekday = weekdayNumber(p.value) ?? 0;
      else if (p.type === "hour") hour = Number(p.value) % 24;
      else if (p.type === "minute") minute = Number(p.value);
    }
    return { weekday, minutes: hour * 60 + minute };
  };
}

/**
 * Prepares a mute interval from config (already validated: a bad zone, day or time throws). A range whose end is at
 * or before its start runs past midnight and belongs to the day it starts on: "friday" with 22:00–02:00 mutes from
 * Friday 22:00 to Saturday 02:00.
 */
export function compileMuteInterval(c: MuteIntervalConfig): MuteInterval {
  const clock = localClock(c.time_zone);
  const days = new Set<number>();
  for (const spec of c.weekdays ?? []) {
    const parsed = parseWeekdays(spec);
    if (typeof parsed === "string") throw new Error(`mute interval ${c.name}: ${parsed}`);
    for (const d of parsed) days.add(d);
  }
  const ranges = (c.times ?? []).map((t) => {
    const start = parseTimeOfDay(t.start);
    const end = parseTimeOfDay(t.end);
    if (start === null || end === null) throw new Error(`mute interval ${c.name}: times must be HH:MM`);
    return { start, end };
  });
  const onDay = (d: number): boolean => days.size === 0 || days.has(d);
  return {
    name: c.name,
    match: compileMatcher(c.match),
    active(now) {
      const { weekday, minutes } = clock(now);
      if (ranges.length === 0) return onDay(weekday);
      for (const r of ranges) {
        if (r.start < r.end) {
          if (minutes >= r.start && minutes < r.end && onDay(weekday)) return true;
        } else if ((minutes >= r.start && onDay(weekday)) || (minutes < r.end && onDay((weekday + 6) % 7))) {
          return true;
        }
      }
      return false;
    },
  };
}
