// promtool runs every group of rules.yml at a test file's evaluation_interval, so tests are split by
// the interval they need: the outage group's own, the one every other group runs at, a coarse one for
// tests that replay a day, and the seat forecast group's own; error episodes have a file of their own.
import type { StackConfig } from "../../config";
import { duration } from "../../lib/duration";
import { apiTests, DAILY, suspiciousValidationTests } from "./api";
import { cardinalityTests } from "./cardinality";
import { dependencyTests } from "./dependencies";
import { episodeTests } from "./episodes";
import { healthyTests } from "./healthy";
import { infrastructureTests } from "./infrastructure";
import { outageTests } from "./outage";
import { testFile, type PromtoolTestFile } from "./promtool";
import { seatForecastTests } from "./seat-forecast";
import { sliTests } from "./sli";
import { sloTests } from "./slo";
import { watchdogTests } from "./watchdog";

/** Every promtool test file of a stack, by file name; each loads the rendered rules.yml beside it. */
export function promtoolTestFiles(c: StackConfig): Record<string, PromtoolTestFile> {
  return {
    "outage.test.yml": outageTests(c),
    "rules.test.yml": testFile(c, c.prometheus.evaluationInterval, [
      ...apiTests(c),
      ...dependencyTests(c),
      ...cardinalityTests(c),
      ...infrastructureTests(c),
      ...sloTests(c),
      ...sliTests(c),
      ...healthyTests(c),
      ...watchdogTests(c),
    ]),
    "episodes.test.yml": episodeTests(c),
    "daily.test.yml": testFile(c, duration(DAILY.evalEvery), suspiciousValidationTests(c)),
    "seat-forecast.test.yml": seatForecastTests(c),
  };
}
