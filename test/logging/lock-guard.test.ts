// The second guard of a locked bucket (the first is the config's lock record, locked-bucket.test.ts):
// the audit bucket asks for a replacement when a field that can no longer change does change, and as it
// is protected, the engine refuses that replacement while planning, in the preview, before any step
// runs (pulumi/pulumi pkg/resource/deploy/step_generator.go: "unable to replace resource ... as it is
// currently marked for protection"). The engine compares with the bucket's recorded state, so this
// holds even if the record in the stack file were edited along with the retention. Resource options are
// invisible to mocks' newResource; a transformation on the component sees them.
import * as pulumi from "@pulumi/pulumi";
import { STACKS } from "../../lib/stack-file";
import { testStackConfig } from "../stack-config";

pulumi.runtime.setMocks(
  {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
  },
  "coditect-monitoring",
  "prod",
  false,
);
const { Logging } = require("../../components/logging") as typeof import("../../components/logging");

describe.each(STACKS)("the engine's guard on the audit bucket (%s)", (stack) => {
  const seen = new Map<string, pulumi.ResourceOptions>();
  const c = testStackConfig(stack);
  new Logging(`guard-${stack}`, { config: c }, { transformations: [(args) => void seen.set(args.name, args.opts)] });
  const audit = () => seen.get(`guard-${stack}-audit-bucket`)!;

  test("stays protected", () => {
    expect(audit().protect).toBe(true);
  });

  test(c.logging.auditLocked ? "locked: a retention change is a replacement, which protect refuses" : "unlocked: a change of the lock is a replacement, so a locked bucket is never sent locked: false", () => {
    expect(audit().replaceOnChanges).toEqual(c.logging.auditLocked ? ["retentionDays"] : ["locked"]);
  });
});
