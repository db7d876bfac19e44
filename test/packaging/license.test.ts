// The licence the package, the chart and the image declare (Apache-2.0) is the one that ships, in full.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string): string => readFileSync(join(root, path), "utf8");

describe("LICENSE", () => {
  it("is the full Apache License 2.0 text, which package.json, the chart and the image name", () => {
    const text = read("LICENSE");
    expect(text).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    // All nine sections of the terms, through to their end.
    for (const section of ["1. Definitions.", "4. Redistribution.", "9. Accepting Warranty or Additional Liability."]) expect(text).toContain(section);
    expect(text.trimEnd()).toMatch(/END OF TERMS AND CONDITIONS$/);
    expect((JSON.parse(read("package.json")) as { license: string }).license).toBe("Apache-2.0");
    expect(read("helm/syncwatch/Chart.yaml")).toContain("license: Apache-2.0");
    expect(read("Dockerfile")).toContain('org.opencontainers.image.licenses="Apache-2.0"');
  });

  it("ships in the image beside the program", () => {
    const runtime = read("Dockerfile").split(/^FROM /m).at(-1) ?? "";
    expect(runtime).toMatch(/^COPY LICENSE \.\/LICENSE$/m);
  });
});
