// An alert's summary says what is wrong and what to do, from an active error or a failed setup test, bounded.
import { describe, expect, it } from "vitest";
import { MAX_ERROR_TEXT, withActiveError, withProblem } from "../../src/health/events.js";

describe("withActiveError", () => {
  it("adds title, reason and remediation in that order", () => {
    expect(
      withActiveError("Setup is broken", { title: "Reconnect required", reason: "OAuth token expired", message: "Re-authorize the connection in Fivetran." }),
    ).toBe("Setup is broken: Reconnect required: OAuth token expired. Re-authorize the connection in Fivetran.");
  });

  it("does not repeat a message equal to the reason, nor add a second full stop", () => {
    expect(withActiveError("Sync failed", { title: null, reason: "Disk full.", message: "Disk full." })).toBe("Sync failed: Disk full.");
    expect(withActiveError("Sync failed", { title: "Oops", reason: "Disk full.", message: "Free space." })).toBe("Sync failed: Oops: Disk full. Free space.");
  });

  it("leaves the summary alone when the error says nothing", () => {
    expect(withActiveError("Sync failed", { title: " ", reason: null, message: "" })).toBe("Sync failed");
  });

  it("bounds a long remediation text", () => {
    const out = withActiveError("Sync failed", { title: "T", reason: "R", message: "x".repeat(5000) });
    expect(out.length).toBe("Sync failed: ".length + MAX_ERROR_TEXT);
    expect(out.endsWith("…")).toBe(true);
  });
});

describe("withProblem", () => {
  it("keeps the setup-test form for a failed setup test", () => {
    expect(withProblem("Setup is broken", { title: "Validate Login", message: "Invalid login credentials." })).toBe(
      "Setup is broken: Validate Login failed (Invalid login credentials.)",
    );
  });

  it("uses the active-error form for an error (it has a type)", () => {
    expect(withProblem("Setup is broken", { type: "reconnect", title: "Reconnect required", reason: null, message: null })).toBe("Setup is broken: Reconnect required");
  });
});
