// Reads a stack's Pulumi.<stack>.yaml into the flat map the Pulumi engine hands a program, so the
// render command and the tests see exactly what `pulumi up` would.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const STACKS = ["staging", "prod"] as const;
export type StackName = (typeof STACKS)[number];

export const PROJECT_ROOT = path.resolve(__dirname, "..");

export function isStackName(name: string): name is StackName {
  return (STACKS as readonly string[]).includes(name);
}

export function readStackConfig(stack: StackName, root = PROJECT_ROOT): Record<string, string> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  return toEngineConfig(doc.config ?? {});
}

/** Objects and numbers travel as JSON text, strings as themselves, as the Pulumi CLI passes them. */
export function toEngineConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}
