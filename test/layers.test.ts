// The layering docs/development.md describes, checked on every import of the program's source: a module may
// import from its own layer or a lower one, never from a higher one, and rules/ and dashboards/ (one
// layer) never import each other. Shared identities live in lib/identities.ts, below both.
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../lib/stack-file";

/** Lowest first. A folder's modules may import any folder of a lower layer. */
const LAYERS: string[][] = [
  ["config.ts", "lib"],
  ["rules", "dashboards"],
  ["render"],
  ["components", "tools"],
  ["index.ts", "stack-outputs.ts", "local", "bench", "scripts", "policy", "report"],
];

/** Folders of one layer that must stay independent of each other. */
const SIBLINGS = [["rules", "dashboards"]];

const unitOf = (file: string) => file.split("/")[0];
const layerOf = (unit: string) => LAYERS.findIndex((l) => l.includes(unit));

function sourceFiles(): string[] {
  const units = LAYERS.flat();
  const walk = (rel: string): string[] => {
    const full = path.join(PROJECT_ROOT, rel);
    if (fs.statSync(full).isFile()) return rel.endsWith(".ts") && !rel.endsWith(".test.ts") ? [rel] : [];
    return fs.readdirSync(full).flatMap((e) => walk(`${rel}/${e}`));
  };
  return units.filter((u) => fs.existsSync(path.join(PROJECT_ROOT, u))).flatMap(walk);
}

function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");
  return [...text.matchAll(/^(?:import|export)[^;]*?from "(\.[^"]+)";/gms)].map((m) =>
    path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1])),
  );
}

export function upwardImports(files: string[], importsOf: (file: string) => string[]): string[] {
  return files.flatMap((file) => {
    const from = unitOf(file);
    return importsOf(file)
      // A root-level module (config, index) is its own unit; anything else belongs to its folder.
      .map((target) => ({ target, to: LAYERS.flat().includes(`${target}.ts`) ? `${target}.ts` : unitOf(target) }))
      .filter(({ to }) => to !== from && (layerOf(to) > layerOf(from) || SIBLINGS.some((pair) => pair.includes(from) && pair.includes(to))))
      .map(({ target }) => `${file} -> ${target}`);
  });
}

test("every import points down a layer or stays in its folder", () => {
  const files = sourceFiles();
  expect(files.length).toBeGreaterThan(50);
  expect(upwardImports(files, imports)).toEqual([]);
});

test("the check sees an upward import and an import between rules and dashboards", () => {
  const fake: Record<string, string[]> = {
    "rules/slo.ts": ["dashboards/links"],
    "lib/identities.ts": ["render/charts"],
    "render/releases.ts": ["rules/index", "lib/yaml", "config"],
  };
  expect(upwardImports(Object.keys(fake), (f) => fake[f])).toEqual(["rules/slo.ts -> dashboards/links", "lib/identities.ts -> render/charts"]);
});
