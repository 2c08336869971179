// What the README and docs/ tell people to run or set must exist: every npm script, each flag a script
// is given, every fault of the local stack, every config key and secret named, every file of the
// project named by its path.
import * as fs from "fs";
import * as path from "path";
import { schema, secretSchema } from "../../config";
import { PROJECT_ROOT } from "../../lib/stack-file";
import { FAULTS } from "../../local/faults";
import { projectDocs, type Doc } from "./markdown";
import { schemaKeys } from "./schema-keys";

const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const docs = projectDocs();
const inlineCode = (doc: Doc) => [...doc.text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);

/** `npm run <script> -- <args>` (and `npm start`/`npm test`) as written anywhere in a document. */
function npmCommands(text: string): { script: string; args: string[] }[] {
  return [...text.matchAll(/npm (?:run ([\w:-]+)|(start|test))((?: -- [^`\n|#&;)]*)?)/g)].map((m) => ({ script: m[1] ?? m[2], args: m[3].replace(/^ -- /, "").trim().split(/\s+/).filter(Boolean) }));
}

/** The TypeScript files a script runs: its entry and everything it imports from the project, transitively. */
function sourcesOf(script: string): string[] {
  const entry = /tsx (\S+\.ts)/.exec(pkg.scripts[script] ?? "")?.[1];
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !fs.existsSync(path.join(PROJECT_ROOT, file))) return;
    seen.add(file);
    const text = fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");
    for (const m of text.matchAll(/from "(\.[^"]+)"/g)) visit(path.posix.normalize(path.posix.join(path.posix.dirname(file), `${m[1]}.ts`)));
  };
  if (entry) visit(entry);
  return [...seen];
}

/** A flag the script's code never names is one it does not take. */
function unknownFlags(script: string, args: string[]): string[] {
  const code = sourcesOf(script).map((f) => fs.readFileSync(path.join(PROJECT_ROOT, f), "utf8")).join("\n");
  return args.filter((a) => /^--[a-z]/.test(a)).map((a) => a.slice(2).split("=")[0]).filter((flag) => !code.includes(`"${flag}"`) && !code.includes(`${flag}:`) && !code.includes(`--${flag}`));
}

const configKeys = [...schemaKeys(schema), ...schemaKeys(secretSchema)].map((k) => k.key);
const sections = Object.keys(schema.shape);
/** `section.key...` of the stack config: a key of the schema, or an object holding some. */
const isConfigKey = (name: string) => configKeys.some((k) => k === name || k.startsWith(`${name}.`) || k.startsWith(`${name}[]`));
/** Names under a section's name that belong to something else: the chart's Helm values. */
const HELM_VALUES = ["prometheus.prometheusSpec", "alertmanager.alertmanagerSpec"];
// A capitalised segment is a Pulumi resource type (gcp.logging.ProjectExclusion), not a key.
const looksLikeConfigKey = (code: string) =>
  /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*|\[\])+$/.test(code) && sections.includes(code.split(".")[0]) && !/\.(ya?ml|ts|md|json|sh)$/.test(code) && !HELM_VALUES.some((v) => code.startsWith(v));

const PROJECT_DIRS = ["scripts", "local", "render", "rules", "report", "lib", "components", "tools", "bench", "test", "docs", "policy", "dashboards", ".github", ".ci"];
/** Paths named inside something else: the Helm binary's place in its npm package (docs/charts.md). */
const FOREIGN_PATHS = ["lib/layer.zip"];
const looksLikePath = (code: string) => !FOREIGN_PATHS.includes(code) && new RegExp(`^(${PROJECT_DIRS.join("|").replace(/\./g, "\\.")})/[\\w./-]*$`).test(code);

test("every npm script named exists", () => {
  const named = docs.flatMap((d) => npmCommands(d.text).map((c) => ({ doc: d.file, script: c.script })));
  expect(named.length).toBeGreaterThan(20);
  expect(named.filter((n) => !(n.script in pkg.scripts))).toEqual([]);
});

test("every flag given to a script is one its code takes, every fault one the local stack has", () => {
  const commands = docs.flatMap((d) => npmCommands(d.text).map((c) => ({ doc: d.file, ...c })));
  const unknown = commands.flatMap((c) => unknownFlags(c.script, c.args).map((flag) => `${c.doc}: npm run ${c.script} -- --${flag}`));
  expect(unknown).toEqual([]);
  const faults = commands.filter((c) => c.script === "fault").map((c) => c.args[0]);
  expect(faults.length).toBeGreaterThan(5);
  expect(faults.filter((f) => !(f in FAULTS))).toEqual([]);
});

test("every config key and secret named is one the schema has", () => {
  const named = docs.flatMap((d) => inlineCode(d).filter(looksLikeConfigKey).map((code) => ({ doc: d.file, code })));
  expect(named.length).toBeGreaterThan(50);
  expect(named.filter((n) => !isConfigKey(n.code))).toEqual([]);
  const secrets = docs.flatMap((d) => [...d.text.matchAll(/pulumiConfig\.(\w+)/g)].map((m) => ({ doc: d.file, key: m[1] })));
  expect(secrets.filter((s) => !Object.keys(secretSchema.shape).includes(s.key))).toEqual([]);
});

test("every file of the project named by its path exists", () => {
  const named = docs.flatMap((d) => inlineCode(d).filter(looksLikePath).map((code) => ({ doc: d.file, code })));
  expect(named.length).toBeGreaterThan(20);
  expect(named.filter((n) => !fs.existsSync(path.join(PROJECT_ROOT, n.code)))).toEqual([]);
});

test("the checks see an unknown script, flag, fault, key and path", () => {
  expect(npmCommands("`npm run verify -- --stack prod --dry-run`")).toEqual([{ script: "verify", args: ["--stack", "prod", "--dry-run"] }]);
  expect(unknownFlags("verify", ["--stack", "prod", "--dry-run"])).toEqual(["dry-run"]);
  expect("nosuch" in pkg.scripts || "meltdown" in FAULTS).toBe(false);
  expect([looksLikeConfigKey("alerts.errorRate.treshold"), isConfigKey("alerts.errorRate.treshold")]).toEqual([true, false]);
  expect([looksLikeConfigKey("prometheus.yml"), looksLikePath("scripts/verify.ts"), looksLikePath("scripts/nosuch.ts")]).toEqual([false, true, true]);
});
