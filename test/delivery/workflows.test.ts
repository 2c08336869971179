// The delivery workflows, checked with GitHub's own workflow parser (@actions/workflow-parser: schema,
// expressions, job graph) and then for what they must do: test before any preview or update, preview
// every stack on pull requests with the policy pack and a read-only identity, update staging then prod
// with the deploy identity only inside their GitHub environments, keyless Google auth, every secret of
// the stack from its ESC environment, one update per stack at a time.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT_ROOT, STACKS, type StackName } from "../../lib/stack-file";
import { parseOptions } from "../../report/cli";
import { authHeaders } from "../../report/prometheus";
import { pulumiConfigOf, readBootstrap } from "../bootstrap/bootstrap-doc";
import { fullKey, stackConfigProblems, stackFileValues, type ConfigValue, type Project } from "../bootstrap/pulumi-config-rule";

const WORKFLOWS = path.join(PROJECT_ROOT, ".github", "workflows");

/**
 * Every action the workflows use, at the newest major version its repository has tagged (the tags of
 * github.com/<action>, December 2026; all run on Node 24). The convention: a moving major tag, which
 * takes the action's fixes and never its breaking changes. An action not listed here fails the test.
 */
const CURRENT_MAJORS: Record<string, string> = {
  "actions/checkout": "v7",
  "actions/setup-node": "v7",
  "actions/upload-artifact": "v7",
  "google-github-actions/auth": "v3",
  "google-github-actions/setup-gcloud": "v3",
  "pulumi/actions": "v7",
};
const PARSER = path.join(__dirname, "parse-workflow.mjs");

interface TemplateStep {
  id: string;
  name?: unknown;
  uses?: string;
  run?: string;
}
interface TemplateJob {
  id: string;
  needs?: string[];
  steps: TemplateStep[];
}
interface Template {
  events: Record<string, unknown>;
  jobs: TemplateJob[];
}
interface Parsed {
  errors: string[];
  template: Template | null;
}

interface RawStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface RawJob {
  needs?: string | string[];
  "timeout-minutes"?: number;
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean };
  strategy?: { matrix?: { include?: Record<string, string>[] } & Record<string, unknown> };
  env?: Record<string, string>;
  steps: RawStep[];
}
interface RawWorkflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, RawJob>;
}

/** Runs the real parser (an ES module, hence a child process run through tsx, which loads its JSON schema). */
function parseWorkflows(files: string[]): Record<string, Parsed> {
  const out = execFileSync(process.execPath, ["--import", "tsx", PARSER, ...files], { cwd: PROJECT_ROOT, encoding: "utf8" });
  return JSON.parse(out) as Record<string, Parsed>;
}

interface Workflow {
  parsed: Parsed;
  template: Template;
  raw: RawWorkflow;
}

const files = { preview: path.join(WORKFLOWS, "preview.yml"), deploy: path.join(WORKFLOWS, "deploy.yml") };
let wf: Record<keyof typeof files, Workflow>;

beforeAll(() => {
  const parsed = parseWorkflows(Object.values(files));
  const load = (file: string): Workflow => ({
    parsed: parsed[file],
    template: parsed[file].template!,
    raw: parse(fs.readFileSync(file, "utf8")) as RawWorkflow,
  });
  wf = { preview: load(files.preview), deploy: load(files.deploy) };
});

const job = (w: Workflow, id: string): TemplateJob => {
  const found = w.template.jobs.find((j) => j.id === id);
  if (!found) throw new Error(`no job ${id}; jobs: ${w.template.jobs.map((j) => j.id).join(", ")}`);
  return found;
};
const pulumiSteps = (j: RawJob) => j.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));
const jobsRunningPulumi = (w: Workflow) => Object.entries(w.raw.jobs).filter(([, j]) => pulumiSteps(j).length > 0);

/** Every job this job waits for, directly or not. */
function ancestors(w: Workflow, id: string): Set<string> {
  const seen = new Set<string>();
  const visit = (j: string) => {
    for (const n of job(w, j).needs ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        visit(n);
      }
    }
  };
  visit(id);
  return seen;
}

/** The deploy identity: the Google service account of `pulumi up` and the Pulumi token that may update a stack. */
const DEPLOY_IDENTITY = { serviceAccount: "${{ vars.GCP_SERVICE_ACCOUNT }}", pulumiToken: "${{ secrets.PULUMI_ACCESS_TOKEN }}" };
/** The GitHub environment whose protection rules guard each stack's deploy identity (docs/bootstrap.md, step 8). */
const GITHUB_ENVIRONMENT: Record<StackName, string> = { staging: "staging", prod: "production" };
const envName = (e: RawJob["environment"]) => (typeof e === "object" ? e.name : e);
const mentionsDeployIdentity = (j: RawJob) => {
  const text = JSON.stringify(j);
  return /vars\.GCP_SERVICE_ACCOUNT\b/.test(text) || /secrets\.PULUMI_ACCESS_TOKEN\b/.test(text);
};
const authStep = (j: RawJob) => j.steps.find((s) => s.uses?.startsWith("google-github-actions/auth@"));
const runsOnPullRequests = (w: Workflow) => Object.keys(w.template.events).some((e) => e === "pull_request" || e === "pull_request_target");

/** True when the job installs exactly the locked dependencies and runs the whole test suite, in that order. */
function runsTests(j: TemplateJob): boolean {
  const runs = j.steps.map((s) => s.run?.trim() ?? "");
  const ci = runs.indexOf("npm ci");
  const test = runs.indexOf("npm test");
  return ci >= 0 && test > ci;
}

describe.each(Object.keys(files) as (keyof typeof files)[])("%s.yml", (name) => {
  it("parses with GitHub's workflow parser without errors", () => {
    expect(wf[name].parsed.errors).toEqual([]);
    expect(wf[name].parsed.template).not.toBeNull();
  });

  it("runs npm ci and npm test in a job that every Pulumi job waits for", () => {
    const pulumiJobs = jobsRunningPulumi(wf[name]);
    expect(pulumiJobs.length).toBeGreaterThan(0);
    for (const [id, raw] of pulumiJobs) {
      const testJobs = [...ancestors(wf[name], id)].filter((a) => runsTests(job(wf[name], a)));
      expect({ job: id, waitsForTests: testJobs.length > 0 }).toEqual({ job: id, waitsForTests: true });
      // Pulumi jobs run the program, so they install it, but the suite ran before them.
      expect(raw.steps.some((s) => s.run?.trim() === "npm ci")).toBe(true);
    }
  });

  it("grants read-only contents by default and id-token only to jobs that authenticate to Google Cloud", () => {
    expect(wf[name].raw.permissions).toEqual({ contents: "read" });
    for (const [id, j] of Object.entries(wf[name].raw.jobs)) {
      const authenticates = j.steps.some((s) => s.uses?.startsWith("google-github-actions/auth@"));
      expect({ id, idToken: (j.permissions as Record<string, string>)?.["id-token"] }).toEqual({
        id,
        idToken: authenticates ? "write" : undefined,
      });
    }
  });

  it("authenticates to Google Cloud without a key, through workload identity federation", () => {
    for (const [, j] of jobsRunningPulumi(wf[name])) {
      const steps = j.steps;
      const auth = steps.findIndex((s) => s.uses?.startsWith("google-github-actions/auth@"));
      const gcloud = steps.findIndex((s) => s.uses?.startsWith("google-github-actions/setup-gcloud@"));
      const pulumi = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
      expect(auth).toBeGreaterThanOrEqual(0);
      expect(gcloud).toBeGreaterThan(auth);
      expect(pulumi).toBeGreaterThan(gcloud);
      expect(Object.keys(steps[auth].with ?? {}).sort()).toEqual(["service_account", "workload_identity_provider"]);
      // kubectl access to GKE goes through the auth plugin; the Kubernetes provider's kubeconfig uses it.
      expect(steps[gcloud].with?.install_components).toContain("gke-gcloud-auth-plugin");
    }
    expect(fs.readFileSync(files[name], "utf8")).not.toMatch(/credentials_json|GOOGLE_CREDENTIALS|service_account_key/);
  });

  it("runs Pulumi with the compliance policy pack, a Pulumi token from secrets and the org from a variable", () => {
    for (const [, j] of jobsRunningPulumi(wf[name])) {
      expect(j.env?.PULUMI_ACCESS_TOKEN).toMatch(/^\$\{\{ secrets\.PULUMI_(PREVIEW_)?ACCESS_TOKEN \}\}$/);
      for (const step of pulumiSteps(j)) {
        expect(step.with?.policyPacks).toBe("policy");
        expect(String(step.with?.["stack-name"])).toMatch(/^\$\{\{ vars\.PULUMI_ORG \}\}\//);
      }
    }
    expect(fs.existsSync(path.join(PROJECT_ROOT, "policy", "PulumiPolicy.yaml"))).toBe(true);
  });

  it("needs no secret of ours but the Pulumi token: the stack's config comes from its ESC environment", () => {
    const text = fs.readFileSync(files[name], "utf8");
    const secrets = new Set([...text.matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1]));
    expect([...secrets].filter((s) => !["PULUMI_ACCESS_TOKEN", "PULUMI_PREVIEW_ACCESS_TOKEN", "GITHUB_TOKEN"].includes(s))).toEqual([]);
    for (const [, j] of jobsRunningPulumi(wf[name])) {
      for (const step of pulumiSteps(j)) expect(step.with?.["config-map"]).toBeUndefined();
    }
    expect(text).not.toMatch(/pulumi config set/);
  });

  it("uses the deploy identity only in a job of its stack's GitHub environment", () => {
    for (const [id, j] of Object.entries(wf[name].raw.jobs)) {
      if (!mentionsDeployIdentity(j)) continue;
      expect({ id, environment: envName(j.environment) }).toEqual({ id, environment: expect.stringMatching(/^(staging|production)$/) });
    }
  });

  it("pins every action to its current major version tag", () => {
    const uses = Object.values(wf[name].raw.jobs).flatMap((j) => j.steps.flatMap((s) => (s.uses ? [s.uses] : [])));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) {
      const [action, version] = u.split("@");
      expect({ action, version }).toEqual({ action, version: CURRENT_MAJORS[action] });
    }
  });
});

describe("preview.yml", () => {
  it("runs on pull requests only", () => {
    expect(Object.keys(wf.preview.template.events)).toEqual(["pull_request"]);
  });

  it("previews every stack of the project in a matrix, after the tests", () => {
    const raw = wf.preview.raw.jobs.preview;
    expect(raw.strategy?.matrix?.include?.map((i) => i.stack)).toEqual([...STACKS]);
    for (const stack of STACKS) expect(fs.existsSync(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`))).toBe(true);
    expect(job(wf.preview, "preview").needs).toEqual(["test"]);
    expect(runsTests(job(wf.preview, "test"))).toBe(true);
    // The suite runs once, not once per stack.
    expect(wf.preview.raw.jobs.test.strategy).toBeUndefined();
  });

  it("runs no job with the deploy identity: pull-request code gets the read-only identity only", () => {
    expect(runsOnPullRequests(wf.preview)).toBe(true);
    for (const w of Object.values(wf).filter(runsOnPullRequests)) {
      for (const [id, j] of Object.entries(w.raw.jobs)) {
        expect({ id, deployIdentity: mentionsDeployIdentity(j), environment: envName(j.environment) }).toEqual({ id, deployIdentity: false, environment: undefined });
      }
    }
  });

  it("previews each stack as that project's read-only service account, with a Pulumi token that cannot update", () => {
    const raw = wf.preview.raw.jobs.preview;
    for (const [i, stack] of STACKS.entries()) {
      expect(raw.strategy?.matrix?.include?.[i]).toEqual({
        stack,
        "workload-identity-provider": `\${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER_${stack.toUpperCase()} }}`,
        "service-account": `\${{ vars.GCP_PREVIEW_SERVICE_ACCOUNT_${stack.toUpperCase()} }}`,
      });
    }
    expect(authStep(raw)?.with).toEqual({ workload_identity_provider: "${{ matrix.workload-identity-provider }}", service_account: "${{ matrix.service-account }}" });
    expect(raw.env?.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_PREVIEW_ACCESS_TOKEN }}");
  });

  it("comments the preview on the pull request, with only the permissions that needs", () => {
    const raw = wf.preview.raw.jobs.preview;
    expect(raw.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    const [step] = pulumiSteps(raw);
    expect(step.with).toMatchObject({
      command: "preview",
      "comment-on-pr": true,
      "stack-name": "${{ vars.PULUMI_ORG }}/${{ matrix.stack }}",
      policyPacks: "policy",
    });
  });

  it("never changes an environment", () => {
    const commands = Object.values(wf.preview.raw.jobs).flatMap((j) => pulumiSteps(j).map((s) => s.with?.command));
    expect(commands).toEqual(["preview"]);
    expect(fs.readFileSync(files.preview, "utf8")).not.toMatch(/pulumi (up|destroy|refresh)\b/);
  });

  it("has a concurrency group per stack", () => {
    const c = wf.preview.raw.jobs.preview.concurrency;
    expect(typeof c === "object" && c.group).toContain("${{ matrix.stack }}");
  });
});

describe("deploy.yml", () => {
  it("runs on pushes to main, and weekly so that what is due by date (the reader's key rotation) is done within a week of it", () => {
    expect(wf.deploy.template.events).toMatchObject({ push: { branches: ["main"] } });
    const cron = (wf.deploy.raw.on.schedule as { cron: string }[]).map((s) => s.cron);
    expect(cron).toEqual(["0 6 * * 1"]);
    expect(Object.keys(wf.deploy.template.events).sort()).toEqual(["push", "schedule"]);
  });

  it("updates staging after the tests, then prod after staging", () => {
    expect(job(wf.deploy, "staging").needs).toEqual(["test"]);
    expect(job(wf.deploy, "prod").needs).toEqual(["staging"]);
    expect(ancestors(wf.deploy, "prod")).toEqual(new Set(["staging", "test"]));
    expect(runsTests(job(wf.deploy, "test"))).toBe(true);
  });

  it("previews each stack, then updates it: whatever the engine refuses while planning stops the job before any change", () => {
    // pulumi/actions runs `up` through the Automation API, which passes --skip-preview.
    for (const stack of STACKS) {
      const steps = pulumiSteps(wf.deploy.raw.jobs[stack]);
      expect(steps.map((s) => s.with?.command)).toEqual(["preview", "up"]);
      for (const step of steps) expect(step.with).toMatchObject({ "stack-name": `\${{ vars.PULUMI_ORG }}/${stack}`, policyPacks: "policy" });
    }
  });

  it("updates each stack as the deploy identity, inside that stack's GitHub environment only", () => {
    for (const stack of STACKS) {
      const j = wf.deploy.raw.jobs[stack];
      expect(envName(j.environment)).toBe(GITHUB_ENVIRONMENT[stack]);
      expect(authStep(j)?.with).toEqual({
        workload_identity_provider: `\${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER_${stack.toUpperCase()} }}`,
        service_account: DEPLOY_IDENTITY.serviceAccount,
      });
      expect(j.env?.PULUMI_ACCESS_TOKEN).toBe(DEPLOY_IDENTITY.pulumiToken);
    }
  });

  it("runs one update per stack at a time and never cancels a running update", () => {
    const groups = STACKS.map((stack) => {
      const c = wf.deploy.raw.jobs[stack].concurrency;
      expect(typeof c).toBe("object");
      const setting = c as { group: string; "cancel-in-progress"?: boolean };
      expect(setting["cancel-in-progress"]).toBe(false);
      expect(setting.group).toContain(stack);
      return setting.group;
    });
    expect(new Set(groups).size).toBe(STACKS.length);
  });
});

describe("every config value a Pulumi job needs has a source in CI", () => {
  // What a CI job's `pulumi preview`/`up` gets: the committed stack file, the ESC environments it
  // imports (filled as docs/bootstrap.md says), and any config the step passes. Pulumi's own rule
  // (test/bootstrap/pulumi-config-rule.ts) must accept that, or every CI run stops on missing config.
  const project = parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as Project;
  const bootstrap = readBootstrap();

  function ciConfig(stack: StackName, step: RawStep): [Record<string, ConfigValue>, Record<string, ConfigValue>] {
    const file = parse(fs.readFileSync(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { environment?: string[]; config: Record<string, unknown> };
    const fromEnvironments: Record<string, ConfigValue> = {};
    for (const env of file.environment ?? []) {
      for (const [key, set] of Object.entries(pulumiConfigOf(bootstrap, env))) fromEnvironments[fullKey(project.name, key)] = { value: "<secret>", secure: set.secret };
    }
    const fromStep = parse(String(step.with?.["config-map"] ?? "{}")) as Record<string, { value: string; secret?: boolean }>;
    const stackValues = stackFileValues(project.name, file.config);
    for (const [key, v] of Object.entries(fromStep)) stackValues[fullKey(project.name, key)] = { value: v.value, secure: v.secret === true };
    return [stackValues, fromEnvironments];
  }

  test.each(Object.keys(files) as (keyof typeof files)[])("%s.yml", (name) => {
    const runs = jobsRunningPulumi(wf[name]).flatMap(([, j]) => {
      const stacks = j.strategy?.matrix?.include?.map((i) => i.stack as StackName) ?? STACKS.filter((s) => pulumiSteps(j).some((p) => String(p.with?.["stack-name"]).endsWith(`/${s}`)));
      return stacks.flatMap((stack) => pulumiSteps(j).map((step) => ({ stack, step })));
    });
    expect(runs.length).toBeGreaterThan(0);
    for (const { stack, step } of runs) {
      expect({ stack, problems: stackConfigProblems(project, stack, ...ciConfig(stack, step)) }).toEqual({ stack, problems: [] });
    }
  });
});

describe("monthly-report.yml", () => {
  const file = path.join(WORKFLOWS, "monthly-report.yml");
  let w: Workflow;
  let j: RawJob;
  beforeAll(() => {
    const parsed = parseWorkflows([file])[file];
    w = { parsed, template: parsed.template!, raw: parse(fs.readFileSync(file, "utf8")) as RawWorkflow };
    j = w.raw.jobs.report;
  });

  it("parses with GitHub's workflow parser without errors", () => {
    expect(w.parsed.errors).toEqual([]);
    expect(w.template.jobs.map((x) => x.id)).toEqual(["report"]);
  });

  it("runs on the 1st of each month, and by hand with a month to name", () => {
    expect(Object.keys(w.template.events).sort()).toEqual(["schedule", "workflow_dispatch"]);
    const crons = (w.raw.on.schedule as { cron: string }[]).map((c) => c.cron.split(/\s+/));
    // minute hour day-of-month month day-of-week
    expect(crons).toEqual([[expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d+$/), "1", "*", "*"]]);
    expect(w.raw.on.workflow_dispatch).toEqual({ inputs: { month: expect.objectContaining({ required: false, default: "previous" }) } });
  });

  it("reports every stack, for the previous month unless a month is named", () => {
    expect(j.strategy?.matrix?.stack).toEqual([...STACKS]);
    const report = j.steps.filter((s) => s.run?.includes("npm run report"));
    expect(report.map((s) => s.run!.trim())).toEqual(['npm run report -- --stack "${{ matrix.stack }}" --month "$MONTH" --out reports']);
    // The input reaches the shell through the environment, never spliced into the script.
    expect(j.env?.MONTH).toBe("${{ inputs.month || 'previous' }}");
    expect(JSON.stringify(j.steps.map((s) => s.run ?? ""))).not.toContain("inputs.");
  });

  const reportStep = () => j.steps.find((s) => s.run?.includes("npm run report"))!;

  it("reads only: contents read, no Pulumi or deploy identity; one read-only secret per stack's environment", () => {
    expect(w.raw.permissions).toEqual({ contents: "read" });
    expect(j.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(j.environment).toBe("report-${{ matrix.stack }}");
    const text = fs.readFileSync(file, "utf8");
    expect([...new Set([...text.matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1]))]).toEqual(["PROMETHEUS_PASSWORD"]);
    expect(mentionsDeployIdentity(j)).toBe(false);
    expect(text).not.toMatch(/GCP_PREVIEW_SERVICE_ACCOUNT|credentials_json|GOOGLE_CREDENTIALS/);
    expect(j.steps.filter((s) => s.uses && !s.uses.startsWith("actions/")).map((s) => s.uses)).toEqual(["google-github-actions/auth@v3"]);
  });

  it("gets a Google access token only where the stack's managed query API is set, keyless, as the report's account, for the report's step alone", () => {
    expect(j.strategy?.matrix?.include).toEqual(
      STACKS.map((stack) => ({ stack, "workload-identity-provider": `\${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER_${stack.toUpperCase()} }}` })),
    );
    const at = j.steps.findIndex((s) => s.uses?.startsWith("google-github-actions/auth@"));
    const auth = j.steps[at];
    expect(auth.if).toBe("vars.MANAGED_PROMETHEUS_URL != ''");
    expect(auth.with).toEqual({
      workload_identity_provider: "${{ matrix.workload-identity-provider }}",
      service_account: "${{ vars.GCP_REPORT_SERVICE_ACCOUNT }}",
      token_format: "access_token",
      create_credentials_file: false,
      export_environment_variables: false,
    });
    // After the dependencies' install scripts have run, before the report.
    expect(at).toBeGreaterThan(j.steps.findIndex((s) => s.run?.trim() === "npm ci"));
    expect(at).toBeLessThan(j.steps.indexOf(reportStep()));
    expect(reportStep().env).toEqual({ MANAGED_PROMETHEUS_BEARER_TOKEN: `\${{ steps.${auth.id}.outputs.access_token }}` });
    expect(j.steps.filter((s) => JSON.stringify(s).includes(`steps.${auth.id}.`))).toEqual([reportStep()]);
  });

  it("passes the URLs and credentials in the environment variables the report reads", () => {
    // Each variable the job and the report's step set, given a value, as the report command reads its environment.
    const names = [...Object.keys(j.env ?? {}), ...Object.keys(reportStep().env ?? {})];
    const env = Object.fromEntries(names.map((k) => [k, `value-of-${k}`]));
    const o = parseOptions(["--stack", "prod", "--month", "2026-11"], env);
    expect([o.prometheus, o.managedPrometheus, o.alertmanager]).toEqual([["value-of-PROMETHEUS_URL"], "value-of-MANAGED_PROMETHEUS_URL", "value-of-ALERTMANAGER_URL"]);
    expect(authHeaders(env)).toEqual({ Authorization: `Basic ${Buffer.from("value-of-PROMETHEUS_USERNAME:value-of-PROMETHEUS_PASSWORD").toString("base64")}` });
    expect(authHeaders(env, "MANAGED_PROMETHEUS")).toEqual({ Authorization: "Bearer value-of-MANAGED_PROMETHEUS_BEARER_TOKEN" });
    // Unset variables (and the output of a skipped step) arrive as empty strings: no Alertmanager or managed query API, then, and no auth.
    const unset = Object.fromEntries(names.map((k) => [k, ""]));
    const none = parseOptions(["--stack", "prod", "--month", "2026-11"], unset);
    expect([none.alertmanager, none.managedPrometheus]).toEqual([undefined, undefined]);
    expect([authHeaders(unset), authHeaders(unset, "MANAGED_PROMETHEUS")]).toEqual([{}, {}]);
  });

  it("keeps the report as an artifact after writing it, and fails when there is none", () => {
    const steps = j.steps;
    const report = steps.findIndex((s) => s.run?.includes("npm run report"));
    const upload = steps.findIndex((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload).toBeGreaterThan(report);
    expect(steps[upload].with).toMatchObject({ path: "reports/", "if-no-files-found": "error" });
  });
});

describe("the parser", () => {
  it("rejects a broken workflow (so a clean parse means something)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflows-"));
    try {
      const deploy = fs.readFileSync(files.deploy, "utf8");
      const badNeeds = path.join(dir, "bad-needs.yml");
      const badPermission = path.join(dir, "bad-permission.yml");
      fs.writeFileSync(badNeeds, deploy.replace("needs: staging", "needs: stagin"));
      fs.writeFileSync(badPermission, deploy.replace("id-token: write", "id-token: writ"));
      const results = parseWorkflows([badNeeds, badPermission]);
      expect(results[badNeeds].errors).toEqual([expect.stringMatching(/depends on unknown job 'stagin'/)]);
      expect(results[badPermission].errors).toEqual([expect.stringMatching(/Unexpected value 'writ'/)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
