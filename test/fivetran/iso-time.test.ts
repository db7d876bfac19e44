// The fast timestamp reader agrees with Date.parse on every input, common forms and odd ones alike.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIsoTime } from "../../src/fivetran/iso-time.js";

describe("parseIsoTime", () => {
  it.each([
    "2024-12-01T15:43:29.013729Z",
    "2024-12-01T15:43:29Z",
    "2024-12-01T15:43:29.1Z",
    "2024-02-29T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2024-12-01T15:43:29+05:30",
    "2024-12-01T15:43:29.5-08:00",
    "1969-12-31T23:59:59.999Z",
    "2024-12-01",
    "2024-12-01T15:43:29",
    "2024-13-01T00:00:00Z",
    "2024-12-01T24:00:00Z",
    "2024-12-01T15:43:29.Z",
    "2024-12-01T15:43:29ZZ",
    "not a date",
    "",
  ])("reads %j as Date.parse does", (s) => {
    expect(parseIsoTime(s)).toEqual(Date.parse(s));
  });

  it("agrees with Date.parse on generated timestamps", () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, "0"));
    const stamp = fc
      .tuple(
        fc.integer({ min: 1000, max: 9999 }),
        two(13),
        two(32),
        two(24),
        two(60),
        two(60),
        fc.constantFrom("", ".1", ".12", ".123", ".123456", ".999999999"),
        fc.constantFrom("Z", "+00:00", "-08:00", "+05:30", "+14:00", "", "z"),
      )
      .map(([y, mo, d, h, mi, s, f, z]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${f}${z}`);
    fc.assert(
      fc.property(stamp, (s) => {
        expect(parseIsoTime(s)).toEqual(Date.parse(s));
      }),
      { numRuns: 5000 },
    );
  });
});
