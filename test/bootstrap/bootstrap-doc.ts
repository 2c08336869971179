// Reads docs/bootstrap.md the way an operator runs it: its shell blocks, and in them the commands that
// create ESC environments and fill them, grant roles, and set GitHub variables and secrets. The tests
// hold the other files of the project (stack files, workflows, README) to what these commands create.
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT, STACKS } from "../../lib/stack-file";

export const BOOTSTRAP = path.join(PROJECT_ROOT, "docs", "bootstrap.md");

/** One `esc env set <env> <path> …` command. */
export interface EscSet {
  /** Environment as `project/name` (the organization prefix dropped). */
  env: string;
  path: string;
  secret: boolean;
  /** `--string`: the value is taken as a string, never parsed as YAML into a number or boolean. */
  string: boolean;
  /** `--file -`: the value comes from standard input, not from the command line. */
  stdin: boolean;
  line: string;
}

export interface GithubSetting {
  kind: "variable" | "secret";
  name: string;
  /** The GitHub environment it is scoped to, or undefined for the repository. */
  environment?: string;
}

export interface BootstrapDoc {
  text: string;
  /** Shell code blocks, in order. */
  blocks: string[];
  escInits: string[];
  escSets: EscSet[];
  roles: { deploy: string[]; preview: string[] };
  github: GithubSetting[];
}

/** Shell words of a command line (quotes removed; no expansion). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** `$PULUMI_ORG/coditect-monitoring/staging` → `coditect-monitoring/staging`. */
function envName(word: string): string {
  return word.replace(/^\$PULUMI_ORG\//, "");
}

/** The commands of a line joined from its continuation lines, split at `;`, `&&` and `|`. */
function commands(block: string): string[] {
  return block
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .flatMap((line) => line.split(/;|&&|\|\|?/))
    .map((c) => c.trim())
    .filter((c) => c && !c.startsWith("#"));
}

/** `$STACK`, `$GITHUB_ENVIRONMENT` and `$SUFFIX` of the per-project passes, for each stack. */
export const PASSES = [
  { STACK: "staging", GITHUB_ENVIRONMENT: "staging", SUFFIX: "STAGING" },
  { STACK: "prod", GITHUB_ENVIRONMENT: "production", SUFFIX: "PROD" },
] as const;
if (PASSES.map((p) => p.STACK).join() !== STACKS.join()) throw new Error("PASSES must cover every stack");

/** Every instance of a word that uses a pass variable, one per pass; the word itself otherwise. */
export function expand(word: string): string[] {
  if (!/\$(STACK|GITHUB_ENVIRONMENT|SUFFIX)\b/.test(word)) return [word];
  return PASSES.map((p) => word.replace(/\$(STACK|GITHUB_ENVIRONMENT|SUFFIX)\b/g, (_, v: keyof typeof p) => p[v]));
}

export function readBootstrap(file = BOOTSTRAP): BootstrapDoc {
  const text = fs.readFileSync(file, "utf8");
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  const all = blocks.flatMap(commands);
  const escInits: string[] = [];
  const escSets: EscSet[] = [];
  const github: GithubSetting[] = [];
  for (const c of all) {
    const w = words(c);
    if (w[0] === "esc" && w[1] === "env" && w[2] === "init") escInits.push(...expand(envName(w[3])));
    if (w[0] === "esc" && w[1] === "env" && w[2] === "set") {
      const fileAt = w.indexOf("--file");
      for (const env of expand(envName(w[3]))) {
        escSets.push({ env, path: w[4], secret: w.includes("--secret"), string: w.includes("--string"), stdin: fileAt > 0 && w[fileAt + 1] === "-", line: c });
      }
    }
    if (w[0] === "gh" && (w[1] === "variable" || w[1] === "secret") && w[2] === "set") {
      const envAt = w.indexOf("--env");
      const environments = envAt > 0 ? expand(w[envAt + 1]) : [undefined];
      for (const name of expand(w[3])) {
        for (const environment of environments) github.push({ kind: w[1], name, environment });
      }
    }
  }
  const roleList = (name: string) => {
    const m = text.match(new RegExp(`^${name}="([^"]*)"`, "m"));
    return m ? m[1].split(/\s+/).filter(Boolean) : [];
  };
  return { text, blocks, escInits, escSets, roles: { deploy: roleList("DEPLOY_ROLES"), preview: roleList("PREVIEW_ROLES") }, github };
}

/** What the bootstrap puts under `pulumiConfig` of an environment: key → set as a secret. */
export function pulumiConfigOf(doc: BootstrapDoc, env: string): Record<string, { secret: boolean; string: boolean; stdin: boolean }> {
  return Object.fromEntries(
    doc.escSets
      .filter((s) => s.env === env && s.path.startsWith("pulumiConfig."))
      .map((s) => [s.path.slice("pulumiConfig.".length), { secret: s.secret, string: s.string, stdin: s.stdin }]),
  );
}
