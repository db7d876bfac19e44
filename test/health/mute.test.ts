// Mute intervals: weekdays and times of day in a named time zone, across midnight and across DST changes.
import { describe, expect, it } from "vitest";
import { compileMuteInterval, type MuteIntervalConfig } from "../../src/health/index.js";
import { configSchema } from "../../src/config/schema.js";

const at = (iso: string): number => Date.parse(iso);

type Interval = Omit<MuteIntervalConfig, "name">;
/** Weekdays 09:00–17:00 in Berlin. */
const officeHours: Interval = { time_zone: "Europe/Berlin", weekdays: ["monday:friday"], times: [{ start: "09:00", end: "17:00" }] };
/** Friday 22:00 to Saturday 02:00 in Berlin. */
const fridayNight: Interval = { time_zone: "Europe/Berlin", weekdays: ["friday"], times: [{ start: "22:00", end: "02:00" }] };
/** Sunday 01:00–04:00 in Berlin: contains the hour that does not exist when DST starts. */
const springNight: Interval = { time_zone: "Europe/Berlin", weekdays: ["sunday"], times: [{ start: "01:00", end: "04:00" }] };
/** Sunday 02:00–03:00 in Berlin: the hour that happens twice when DST ends. */
const autumnHour: Interval = { time_zone: "Europe/Berlin", weekdays: ["sunday"], times: [{ start: "02:00", end: "03:00" }] };

const rows: { name: string; interval: Interval; at: string; open: boolean }[] = [
  // Europe/Berlin is UTC+1 in winter (CET), UTC+2 in summer (CEST).
  { name: "inside a weekday window, Berlin winter", interval: officeHours, at: "2026-12-01T08:00:00Z", open: true },
  { name: "just before the start (08:59 local)", interval: officeHours, at: "2026-12-01T07:59:00Z", open: false },
  { name: "the end is exclusive (17:00 local)", interval: officeHours, at: "2026-12-01T16:00:00Z", open: false },
  { name: "a Saturday is not monday:friday", interval: officeHours, at: "2026-12-05T10:00:00Z", open: false },
  { name: "the local day, not the UTC day (Sat 00:30 Berlin = Fri 23:30 UTC)", interval: { time_zone: "Europe/Berlin", weekdays: ["sat", "sun"] }, at: "2026-12-04T23:30:00Z", open: true },
  { name: "UTC Friday 23:30 is Friday in UTC", interval: { time_zone: "UTC", weekdays: ["sat", "sun"] }, at: "2026-12-04T23:30:00Z", open: false },
  { name: "across midnight: the evening of a listed day", interval: fridayNight, at: "2026-12-04T21:30:00Z", open: true },
  { name: "across midnight: the small hours after a listed day", interval: fridayNight, at: "2026-12-05T00:30:00Z", open: true },
  { name: "across midnight: the small hours after an unlisted day", interval: fridayNight, at: "2026-12-04T00:30:00Z", open: false },
  { name: "across midnight: closed at the end (02:00 local)", interval: fridayNight, at: "2026-12-05T01:00:00Z", open: false },
  // DST starts in Berlin on 2026-03-29 at 02:00 CET (01:00 UTC): clocks jump to 03:00 CEST.
  { name: "DST spring: 01:30 CET is inside 01:00–04:00", interval: springNight, at: "2026-03-29T00:30:00Z", open: true },
  { name: "DST spring: 03:30 CEST (01:30 UTC) is inside 01:00–04:00", interval: springNight, at: "2026-03-29T01:30:00Z", open: true },
  { name: "DST spring: 04:00 CEST is 02:00 UTC, not 03:00 UTC", interval: springNight, at: "2026-03-29T02:00:00Z", open: false },
  { name: "DST spring: a fixed +1h offset would say 03:30 and be wrong", interval: springNight, at: "2026-03-29T02:30:00Z", open: false },
  // DST ends on 2026-10-25 at 03:00 CEST (01:00 UTC): clocks go back to 02:00 CET, so 02:00–03:00 happens twice.
  { name: "DST autumn: the first 02:30 (00:30 UTC)", interval: autumnHour, at: "2026-10-25T00:30:00Z", open: true },
  { name: "DST autumn: the second 02:30 (01:30 UTC)", interval: autumnHour, at: "2026-10-25T01:30:00Z", open: true },
  { name: "DST autumn: 03:00 CET (02:00 UTC) is past the window", interval: autumnHour, at: "2026-10-25T02:00:00Z", open: false },
  { name: "a summer window in New York (UTC-4)", interval: { time_zone: "America/New_York", weekdays: ["monday"], times: [{ start: "00:00", end: "06:00" }] }, at: "2026-07-06T09:59:00Z", open: true },
  { name: "no weekdays, no times: always", interval: { time_zone: "UTC" }, at: "2026-07-06T09:59:00Z", open: true },
  { name: "a wrapping day range sat:mon includes Sunday", interval: { time_zone: "UTC", weekdays: ["sat:mon"] }, at: "2026-12-06T12:00:00Z", open: true },
  { name: "a wrapping day range sat:mon excludes Tuesday", interval: { time_zone: "UTC", weekdays: ["sat:mon"] }, at: "2026-12-08T12:00:00Z", open: false },
  { name: "until 24:00", interval: { time_zone: "UTC", times: [{ start: "20:00", end: "24:00" }] }, at: "2026-12-08T23:59:00Z", open: true },
];

describe("mute interval", () => {
  it.each(rows)("$name → open: $open", ({ interval, at: when, open }) => {
    expect(compileMuteInterval({ name: "m", ...interval }).active(at(when))).toBe(open);
  });
});

describe("mute interval config", () => {
  const parse = (m: unknown) => configSchema.safeParse({ alerts: { mute_intervals: [m] } });
  const paths = (m: unknown): string[] => {
    const r = parse(m);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("names the key of an unknown time zone", () => {
    expect(paths({ name: "m", time_zone: "Europe/Atlantis" })).toEqual([
      "alerts.mute_intervals.0.time_zone: must be an IANA time zone name such as Europe/Berlin or UTC",
    ]);
  });

  it("names the key of a bad day and a bad time", () => {
    expect(paths({ name: "m", time_zone: "UTC", weekdays: ["funday"], times: [{ start: "25:00", end: "02:00" }] })).toEqual([
      'alerts.mute_intervals.0.weekdays.0: must be a day or a range of days such as "monday:friday"',
      "alerts.mute_intervals.0.times.0.start: must be HH:MM (00:00 to 23:59)",
    ]);
  });

  it("accepts the documented example", () => {
    expect(paths({ name: "nightly load", time_zone: "Europe/Berlin", weekdays: ["monday:friday"], times: [{ start: "22:00", end: "02:00" }], match: { group_id: ["g1"] } })).toEqual([]);
  });
});
