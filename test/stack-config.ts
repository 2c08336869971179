// The one way a test gets a stack's validated config: the stack file as the Pulumi engine hands it
// over, placeholder secrets, and an optional patch of one section.
import { NAMESPACE, parseConfig, type StackConfig } from "../config";
import { readStackConfig, type StackName } from "../lib/stack-file";
import { PLACEHOLDER_SECRETS } from "../render/secrets";

export function testStackConfig(stack: StackName, patch: Partial<Record<keyof StackConfig, (section: Record<string, unknown>) => void>> = {}): StackConfig {
  const raw = readStackConfig(stack);
  for (const [section, edit] of Object.entries(patch)) {
    const value = JSON.parse(raw[`${NAMESPACE}:${section}`]) as Record<string, unknown>;
    edit(value);
    raw[`${NAMESPACE}:${section}`] = JSON.stringify(value);
  }
  for (const [k, v] of Object.entries(PLACEHOLDER_SECRETS)) raw[`${NAMESPACE}:${k}`] = v;
  return parseConfig(raw).config;
}
