// The one way a test gets a stack's validated config: the render command's loader (the stack file as
// the Pulumi engine hands it over, placeholder secrets), with an optional patch of whole sections.
import { NAMESPACE, type StackConfig } from "../config";
import type { StackName } from "../lib/stack-file";
import { stackConfigForRender } from "../render/cli";

export function testStackConfig(stack: StackName, patch: Partial<Record<keyof StackConfig, (section: Record<string, unknown>) => void>> = {}): StackConfig {
  return stackConfigForRender(stack, (raw) => {
    for (const [section, edit] of Object.entries(patch)) {
      const value = JSON.parse(raw[`${NAMESPACE}:${section}`]) as Record<string, unknown>;
      edit(value);
      raw[`${NAMESPACE}:${section}`] = JSON.stringify(value);
    }
  });
}

/** A stack's config with its per-license and seat forecast groups on the managed rule evaluator. */
export function managedEvaluatorConfig(stack: StackName): StackConfig {
  return testStackConfig(stack, {
    alerts: (alerts) => {
      alerts.perLicense = { ...(alerts.perLicense as Record<string, unknown>), evaluator: "managed" };
    },
  });
}
