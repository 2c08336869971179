// docs/bootstrap.md is the one written path from nothing to a first deploy. These tests hold the rest of
// the project to it: every variable and secret the workflows read is one it sets, at the scope that
// keeps the deploy identity inside the GitHub environments; docs/delivery.md's roles are the ones it grants;
// any ESC command another document shows is its own; its steps are in the order its table promises.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../../lib/stack-file";
import { projectDocs } from "../docs/markdown";
import { BOOTSTRAP, PASSES, readBootstrap } from "./bootstrap-doc";

const bootstrap = readBootstrap();
const DELIVERY = path.join(PROJECT_ROOT, "docs", "delivery.md");
const delivery = fs.readFileSync(DELIVERY, "utf8");
const WORKFLOWS = path.join(PROJECT_ROOT, ".github", "workflows");

interface Job {
  environment?: string | { name: string };
  strategy?: { matrix?: { stack?: string[] } };
}
const workflows = fs.readdirSync(WORKFLOWS).map((f) => ({ file: f, text: fs.readFileSync(path.join(WORKFLOWS, f), "utf8") }));

/** Every `vars.X` / `secrets.X` a job reads, with the GitHub environment the job runs in. */
function reads(): { file: string; job: string; kind: "variable" | "secret"; name: string; environment?: string }[] {
  return workflows.flatMap(({ file, text }) => {
    const jobs = (parse(text) as { jobs: Record<string, Job> }).jobs;
    return Object.entries(jobs).flatMap(([job, j]) => {
      const named = typeof j.environment === "object" ? j.environment.name : j.environment;
      // A job run per stack names its environment from the matrix: each stack's is one to check.
      const environments = named?.includes("${{ matrix.stack }}") ? (j.strategy?.matrix?.stack ?? []).map((stack) => named.replace("${{ matrix.stack }}", stack)) : [named];
      return [...JSON.stringify(j).matchAll(/\b(vars|secrets)\.([A-Z0-9_]+)/g)]
        .filter((m) => m[2] !== "GITHUB_TOKEN")
        .flatMap((m) => environments.map((environment) => ({ file, job, kind: m[1] === "vars" ? ("variable" as const) : ("secret" as const), name: m[2], environment })));
    });
  });
}

test("every variable and secret a workflow reads is set by the bootstrap, where that job can read it", () => {
  const all = reads();
  expect(all.length).toBeGreaterThan(0);
  for (const r of all) {
    const where = bootstrap.github.filter((g) => g.kind === r.kind && g.name === r.name).map((g) => g.environment ?? "repository");
    expect({ ...r, setIn: where.filter((w) => w === "repository" || w === r.environment) }).toEqual({ ...r, setIn: [expect.any(String)] });
  }
});

test("the deploy identity is set only in the GitHub environments, never for the whole repository", () => {
  for (const name of ["GCP_SERVICE_ACCOUNT", "PULUMI_ACCESS_TOKEN"]) {
    const settings = bootstrap.github.filter((g) => g.name === name);
    expect(settings.map((g) => g.environment).sort()).toEqual(PASSES.map((p) => p.GITHUB_ENVIRONMENT).sort());
  }
});

test("docs/delivery.md lists exactly the roles the bootstrap grants, per identity", () => {
  const rows = [...delivery.matchAll(/^\| (deploy|preview) \| `(roles\/[^`]+)` \|/gm)].map((m) => ({ identity: m[1], role: m[2] }));
  const listed = (identity: string) => rows.filter((r) => r.identity === identity).map((r) => r.role).sort();
  expect(bootstrap.roles.deploy.length).toBeGreaterThan(0);
  expect(listed("deploy")).toEqual([...bootstrap.roles.deploy].sort());
  expect(listed("preview")).toEqual([...bootstrap.roles.preview].sort());
  // The preview identity can change nothing.
  for (const role of bootstrap.roles.preview) expect(role).toMatch(/(^roles\/viewer$|[.]viewer$|Viewer$)/);
});

test("an ESC command any other document shows is the bootstrap's own", () => {
  const others = projectDocs().filter((d) => path.join(PROJECT_ROOT, d.file) !== BOOTSTRAP);
  const lines = new Set(bootstrap.escSets.map((s) => s.line));
  for (const doc of others) {
    const shown = readBootstrap(path.join(PROJECT_ROOT, doc.file));
    for (const s of shown.escSets) expect({ doc: doc.file, line: s.line, bootstrap: lines.has(s.line) }).toEqual({ doc: doc.file, line: s.line, bootstrap: true });
    for (const env of shown.escInits) expect(bootstrap.escInits).toContain(env);
  }
});

test("people deploy through a -deploy environment per stack, which only the deploy account's binding trusts", () => {
  for (const { STACK } of PASSES) expect(bootstrap.escInits).toContain(`coditect-monitoring/${STACK}-deploy`);
  expect(bootstrap.text).toMatch(/subjectAttributes: \[currentEnvironment\.name\]/);
  expect(bootstrap.text).toContain('--member "principal://iam.googleapis.com/$POOL/subject/pulumi:environments:pulumi.organization.login:$PULUMI_ORG:currentEnvironment.name:coditect-monitoring/$STACK-deploy"');
  // The preview account trusts pull requests only; the deploy account a GitHub environment only.
  expect(bootstrap.text).toMatch(/add-iam-policy-binding "\$PREVIEW_SA"[^\n]*\\\n[^\n]*subject\/repo:\$GITHUB_REPO:pull_request"/);
  expect(bootstrap.text).toMatch(/add-iam-policy-binding "\$DEPLOY_SA"[^\n]*\\\n[^\n]*subject\/repo:\$GITHUB_REPO:environment:\$GITHUB_ENVIRONMENT"/);
});

test("its steps come in the order its table lists them", () => {
  const table = [...bootstrap.text.matchAll(/^\| (\d+)\. ([^|]+) \|/gm)].map((m) => `${m[1]}. ${m[2].trim()}`);
  const headings = [...bootstrap.text.matchAll(/^## (\d+)\. (.+)$/gm)].map((m) => `${m[1]}. ${m[2].trim()}`);
  expect(headings.length).toBeGreaterThan(5);
  expect(headings).toEqual(table);
  // Numbered from step 0 (tools, logins, editions), one after the other.
  expect(headings.map((h) => Number(h.split(".")[0]))).toEqual(headings.map((_, i) => i));
});

test("the preflight for service-account keys stops with a clear message when an organisation policy forbids them, and says nothing otherwise", () => {
  // The snippet as the bootstrap has it, run by bash with a stand-in gcloud printing what
  // `gcloud org-policies describe --effective --format='value(spec.rules[].enforce)'` prints: the
  // rule's enforce flag, True or False (gcloud's value() writes booleans so).
  const block = [...bootstrap.text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes("iam.disableServiceAccountKeyCreation"))!;
  expect(block).toContain("iam.managed.disableServiceAccountKeyCreation");
  expect(bootstrap.text).toMatch(/gcloud services enable [^`]*orgpolicy\.googleapis\.com/);
  const run = (enforced: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coditect-preflight-"));
    fs.writeFileSync(path.join(dir, "gcloud"), `#!/bin/sh\ncase "$3" in ${enforced}) echo True ;; *) echo False ;; esac\n`, { mode: 0o755 });
    const r = spawnSync("bash", ["-c", block], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, PROJECT: "coditect-prod" }, encoding: "utf8" });
    fs.rmSync(dir, { recursive: true, force: true });
    return r.stderr;
  };
  expect(run("none")).toBe("");
  const stop = run("iam.disableServiceAccountKeyCreation");
  expect(stop).toContain("STOP: iam.disableServiceAccountKeyCreation is enforced on coditect-prod");
  expect(stop).toContain("exception on this project");
  expect(run("iam.managed.disableServiceAccountKeyCreation")).toContain("STOP: iam.managed.disableServiceAccountKeyCreation is enforced");
});
