// A locked Cloud Logging bucket's retention and location can never change and it can never be unlocked;
// the provider only finds out during `pulumi up`, after other resources have changed. First guard, the
// config: prod records what its audit bucket is locked with (logging.auditLockedAs), and any edit that
// disagrees stops the program before it registers a single resource, saying why and what to do
// instead. The second guard, in the engine, is tested in lock-guard.test.ts.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError } from "../../config";
import { PROJECT_ROOT } from "../../lib/stack-file";
import { ProgramFailure, runProgram } from "../harness";

const BUCKET = "gcp:logging/projectBucketConfig:ProjectBucketConfig";
const prodLogging = () => parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.prod.yaml"), "utf8")).config["coditect-monitoring:logging"];

async function refusal(logging: Record<string, unknown>): Promise<ProgramFailure> {
  const error = await runProgram("prod", { config: { logging } }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProgramFailure);
  const failure = error as ProgramFailure;
  expect((failure.failure as Error).name).toBe(ConfigError.name);
  // Refused before anything is registered: nothing to apply, in a preview or an update.
  expect(failure.resources).toEqual([]);
  return failure;
}

describe("the config refuses what Cloud Logging would refuse halfway through an update", () => {
  test("prod records what its audit bucket is locked with, and agrees with it", () => {
    const l = prodLogging();
    expect(l.auditLocked).toBe(true);
    expect(l.auditLockedAs).toEqual({ retentionDays: l.auditRetentionDays, location: l.location });
  });

  test("a longer retention on the locked bucket: refused, saying why and what to do", async () => {
    const failure = await refusal({ ...prodLogging(), auditRetentionDays: 730 });
    expect(failure.message).toMatch(/logging\.auditRetentionDays: must stay 400: the audit bucket is locked with that retention .*never changes a locked bucket's retention, not even to keep entries longer; to keep them longer, add a second bucket and sink .*\(got 730\)/);
  });

  test("a shorter retention: refused", async () => {
    const failure = await refusal({ ...prodLogging(), auditRetentionDays: 90 });
    expect(failure.message).toMatch(/logging\.auditRetentionDays: must stay 400.*\(got 90\)/);
  });

  test("another location: refused", async () => {
    const failure = await refusal({ ...prodLogging(), location: "us-central1" });
    expect(failure.message).toMatch(/logging\.location: must stay global: the audit bucket is locked there .*can neither move nor be deleted.*\(got "us-central1"\)/);
  });

  test("unlocking: refused", async () => {
    const failure = await refusal({ ...prodLogging(), auditLocked: false });
    expect(failure.message).toMatch(/logging\.auditLocked: must stay true: .*never changes a locked bucket back to unlocked \(got false\)/);
  });

  test("locking without recording it: refused, with the record to add", async () => {
    const { auditLockedAs: _record, ...unrecorded } = prodLogging();
    const failure = await refusal(unrecorded);
    expect(failure.message).toMatch(/logging\.auditLocked: locks the audit bucket for good: record what it is locked with in the same change \(logging\.auditLockedAs: \{ retentionDays: 400, location: global \}\)/);
  });

  test("staging, unlocked and without a record, may change its audit retention freely", async () => {
    const staging = parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.staging.yaml"), "utf8")).config["coditect-monitoring:logging"];
    expect(staging.auditLocked).toBe(false);
    expect(staging.auditLockedAs).toBeUndefined();
    const run = await runProgram("staging", { config: { logging: { ...staging, auditRetentionDays: 120 } } });
    expect(run.get(BUCKET, "logging-audit-bucket").inputs.retentionDays).toBe(120);
  });
});
