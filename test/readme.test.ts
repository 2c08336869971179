// The README names the commands CI runs; docs/configuration.md is the reference of the stack config. Keep
// both true.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { NAMESPACE, schema, SECRET_KEYS } from "../config";
import { PROJECT_ROOT, STACKS } from "../lib/stack-file";

const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
const reference = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "configuration.md"), "utf8");

/** `section.key` for every key a stack file sets (two levels deep, as the reference lists them). */
function documentedKeys(stack: string): string[] {
  const doc = parse(fs.readFileSync(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")).config as Record<string, unknown>;
  return Object.entries(doc).flatMap(([fullKey, value]) => {
    const key = fullKey.slice(NAMESPACE.length + 1);
    return value !== null && typeof value === "object" ? Object.keys(value).map((k) => `${key}.${k}`) : [key];
  });
}

test.each(STACKS)("every key of Pulumi.%s.yaml is in the configuration reference", (stack) => {
  const missing = documentedKeys(stack).filter((key) => !reference.includes(`\`${key}\``));
  expect(missing).toEqual([]);
});

test("every secret is in the configuration reference", () => {
  for (const key of SECRET_KEYS) expect(reference).toContain(`\`${key}\``);
});

test("CI runs exactly the README's test command", () => {
  const ci = fs.readFileSync(path.join(PROJECT_ROOT, ".ci", "run"), "utf8");
  const command = "npm ci && npm test";
  expect(readme).toContain(command);
  expect(ci.trim().split("\n").pop()).toBe(command);
});

test("every key of the stack files is declared in Pulumi.yaml", () => {
  const project = parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, unknown> };
  for (const stack of STACKS) {
    const doc = parse(fs.readFileSync(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")).config as Record<string, unknown>;
    for (const key of Object.keys(doc)) expect(Object.keys(project.config)).toContain(key);
  }
  // Secrets are declared only when required (test/bootstrap/pulumi-config.test.ts); whatever is declared
  // must be a key the program knows.
  const known = [...Object.keys(schema.shape), ...SECRET_KEYS].map((k) => `${NAMESPACE}:${k}`);
  for (const key of Object.keys(project.config)) expect(known).toContain(key);
});
