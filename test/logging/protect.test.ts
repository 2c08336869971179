// Resource options are invisible to Pulumi mocks (newResource sees inputs only), so `protect` is observed
// here with a transformation on the Logging component: transformations run in the SDK for every child,
// before registration, with the options the component really passed.
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "../../config";
import { readStackConfig, STACKS, type StackName } from "../../lib/stack-file";
import { TEST_SECRETS } from "../harness";

pulumi.runtime.setMocks(
  {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
  },
  "coditect-monitoring",
  "staging",
  false,
);
// Required after setMocks, as the harness does with the whole program.
const { Logging, statefulOptions } = require("../../components/logging") as typeof import("../../components/logging");

function stackConfig(stack: StackName) {
  const raw = readStackConfig(stack);
  for (const [k, v] of Object.entries(TEST_SECRETS)) raw[`coditect-monitoring:${k}`] = v;
  return parseConfig(raw).config;
}

describe.each(STACKS)("protect on the Logging component's children (%s)", (stack) => {
  const seen: { type: string; name: string; protect?: boolean }[] = [];
  new Logging(`logging-${stack}`, { config: stackConfig(stack) }, {
    transformations: [
      (args) => {
        seen.push({ type: args.type, name: args.name, protect: args.opts.protect });
        return undefined;
      },
    ],
  });

  test("both log buckets are protected", () => {
    const buckets = seen.filter((r) => r.type === "gcp:logging/projectBucketConfig:ProjectBucketConfig");
    expect(buckets.map((b) => b.name).sort()).toEqual([`logging-${stack}-api-bucket`, `logging-${stack}-audit-bucket`]);
    for (const b of buckets) expect(b.protect).toBe(true);
  });

  test("nothing else is protected (sinks, metrics and IAM stay freely replaceable)", () => {
    const others = seen.filter((r) => r.type !== "gcp:logging/projectBucketConfig:ProjectBucketConfig");
    expect(others.length).toBeGreaterThan(10);
    for (const r of others) expect(r.protect).toBeFalsy();
  });
});

test("statefulOptions sets protect and keeps the parent", () => {
  const parent = new pulumi.ComponentResource("test:index:Parent", "p");
  expect(statefulOptions(parent)).toEqual({ parent, protect: true });
});
