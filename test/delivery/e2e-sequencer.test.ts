// The end-to-end suites start longest first (test/e2e/sequencer.js): every suite has a measured
// duration there, and the order jest gets is by it.
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../lib/stack-file";

const LongestFirst = require("../e2e/sequencer.js");

const suites = fs
  .readdirSync(path.join(PROJECT_ROOT, "test/e2e"))
  .filter((f) => f.endsWith(".test.ts"))
  .map((f) => f.replace(/\.test\.ts$/, ""));

test("every end-to-end suite has its measured duration, and none that no longer exists", () => {
  expect(Object.keys(LongestFirst.MEASURED_SECONDS).sort()).toEqual([...suites].sort());
});

test("the longest start first; a suite without a figure before all", () => {
  const asTests = (names: string[]) => names.map((n) => ({ path: path.join(PROJECT_ROOT, "test/e2e", `${n}.test.ts`), context: {} }));
  const sorted = new LongestFirst().sort(asTests(["verify", "true-sla", "new-suite", "local-stack"])) as { path: string }[];
  expect(sorted.map((t) => path.basename(t.path, ".test.ts"))).toEqual(["new-suite", "true-sla", "local-stack", "verify"]);
});
