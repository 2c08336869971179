// docs/configuration.md is the one reference of the stack config: a row, with its type and default, for
// every key of the schema (config.ts: schema and secretSchema), and no row for a key the schema lacks.
import { schema, secretSchema } from "../../config";
import { readDoc } from "./markdown";
import { schemaKeys } from "./schema-keys";

const REFERENCE = "docs/configuration.md";

/** The keys a reference documents: the first cell of its tables' rows, each a type and a default beside it. */
export function documentedKeys(markdown: string): { key: string; cells: number }[] {
  return [...markdown.matchAll(/^\| `([^`]+)` \|(.*)$/gm)].map((m) => ({ key: m[1], cells: m[2].split(" | ").length }));
}

export function referenceProblems(markdown: string, keys: string[]): string[] {
  const documented = new Set(documentedKeys(markdown).map((d) => d.key));
  return [...keys.filter((k) => !documented.has(k)).map((k) => `missing: ${k}`), ...[...documented].filter((k) => !keys.includes(k)).map((k) => `not in the schema: ${k}`)];
}

const keys = [...schemaKeys(schema), ...schemaKeys(secretSchema)].map((k) => k.key);

test("the reference documents exactly the schema's keys", () => {
  expect(keys.length).toBeGreaterThan(100);
  expect(referenceProblems(readDoc(REFERENCE), keys)).toEqual([]);
});

test("each key's first row gives its type, its default and both stacks' values", () => {
  const first = new Map<string, number>();
  for (const d of documentedKeys(readDoc(REFERENCE))) if (!first.has(d.key)) first.set(d.key, d.cells);
  for (const key of keys) expect({ key, cells: first.get(key) }).toEqual({ key, cells: 4 });
});

test("the check sees a key missing from the reference and one the schema lacks", () => {
  const doc = "| `gcp.project` | string | required | a | b |\n| `gcp.zone` | string | required | a | b |\n";
  expect(referenceProblems(doc, ["gcp.project", "gcp.region"])).toEqual(["missing: gcp.region", "not in the schema: gcp.zone"]);
});
