// Pulumi's own rule for project config (see pulumi-config-rule.ts for where it is read from upstream:
// pulumi/pulumi pkg/workspace/config.go and sdk/go/common/workspace/project.go), applied to what a
// preview or update really gets: Pulumi.yaml, each stack file, and the stack's ESC environment as
// docs/bootstrap.md fills it. That environment is the one source of secrets for people and for CI: a
// declared key it does not provide, and the stack file does not set, stops every CI preview and update.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { NAMESPACE, parseConfig, secretSchema, SECRET_KEYS } from "../../config";
import { PROJECT_ROOT, readStackConfig, STACKS, type StackName } from "../../lib/stack-file";
import { pulumiConfigOf, readBootstrap } from "./bootstrap-doc";
import { declarations, fullKey, stackConfigProblems, stackFileValues, validateProject, type ConfigValue, type Project } from "./pulumi-config-rule";

const read = (file: string) => parse(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8"));
const project = read("Pulumi.yaml") as Project;
const stackFile = (stack: StackName) => read(`Pulumi.${stack}.yaml`) as { environment?: string[]; config: Record<string, unknown> };
const bootstrap = readBootstrap();
const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
const reference = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "configuration.md"), "utf8");

/** What the stack's ESC environments give Pulumi: each key the bootstrap sets, encrypted when set as a secret. */
function environmentValues(stack: StackName): Record<string, ConfigValue> {
  const values: Record<string, ConfigValue> = {};
  for (const env of stackFile(stack).environment ?? []) {
    for (const [key, set] of Object.entries(pulumiConfigOf(bootstrap, env))) {
      values[fullKey(project.name, key)] = { value: "<typed at the terminal>", secure: set.secret };
    }
  }
  return values;
}

describe("Pulumi's config rule, as restated here, behaves as upstream", () => {
  const p: Project = { name: "demo", config: { "demo:a": { type: "string" }, "demo:b": { type: "string", secret: true }, "demo:c": { description: "untyped" }, "demo:d": 3 } };
  const secret = { value: "x", secure: true };

  test("reports every declared key set nowhere and without a default, sorted, in one message", () => {
    expect(stackConfigProblems(p, "dev", {}, {})).toEqual(["Stack 'dev' is missing configuration values 'demo:a', 'demo:b' and 'demo:c'"]);
    expect(stackConfigProblems(p, "dev", { "demo:a": { value: "x", secure: false }, "demo:c": { value: {}, secure: false } }, {})).toEqual([
      "Stack 'dev' is missing configuration value 'demo:b'",
    ]);
  });

  test("takes values from the stack's environment, the stack file winning", () => {
    expect(stackConfigProblems(p, "dev", { "demo:a": { value: "x", secure: false } }, { "demo:b": secret, "demo:c": secret })).toEqual([]);
  });

  test("refuses a secret key holding a plaintext value, and a value of the wrong type", () => {
    const plain = { value: "x", secure: false };
    expect(stackConfigProblems(p, "dev", { "demo:a": plain, "demo:b": plain, "demo:c": plain }, {})).toEqual(["Stack 'dev' with configuration key 'demo:b' must be encrypted as it's secret"]);
    expect(stackConfigProblems(p, "dev", { "demo:a": { value: ["x"], secure: false }, "demo:b": secret, "demo:c": plain }, {})).toEqual(["Stack 'dev' with configuration key 'demo:a' must be of type 'string'"]);
  });

  test("a secret key with a default fails whenever it is not set: defaults are stored unencrypted", () => {
    const withDefault: Project = { name: "demo", config: { "demo:s": { type: "string", secret: true, default: "" } } };
    expect(validateProject(withDefault)).toEqual([]);
    expect(stackConfigProblems(withDefault, "dev", {}, {})).toEqual(["Stack 'dev' with configuration key 'demo:s' must be encrypted as it's secret"]);
  });

  test("declaring the optional secrets, as this project once did, stops a stack that leaves them unset", () => {
    const optional = { type: "string", secret: true } as const;
    const old: Project = { name: project.name, config: { ...project.config, [fullKey(project.name, "heartbeatUrl")]: optional, [fullKey(project.name, "jaegerStoragePassword")]: optional } };
    const stack = stackFileValues(project.name, stackFile("staging").config);
    const required = Object.fromEntries(["pagerdutyToken", "slackAlertsWebhookUrl", "slackTicketsWebhookUrl", "slackPlatformWebhookUrl", "grafanaAuth"].map((k) => [fullKey(project.name, k), secret]));
    expect(stackConfigProblems(old, "staging", stack, required)).toEqual([
      "Stack 'staging' is missing configuration values 'coditect-monitoring:heartbeatUrl' and 'coditect-monitoring:jaegerStoragePassword'",
    ]);
  });
});

test("Pulumi.yaml's config declarations are valid (Project.Validate)", () => {
  expect(validateProject(project)).toEqual([]);
});

describe.each(STACKS)("stack %s", (stack) => {
  test("imports ESC environments that the bootstrap creates", () => {
    const envs = stackFile(stack).environment ?? [];
    expect(envs).toEqual([`${project.name}/${stack}`]);
    for (const env of envs) expect(bootstrap.escInits).toContain(env);
  });

  test("Pulumi accepts its config: every declared key is set, secrets encrypted, types right", () => {
    expect(stackConfigProblems(project, stack, stackFileValues(project.name, stackFile(stack).config), environmentValues(stack))).toEqual([]);
  });

  test("the program accepts its config too, with the secrets the bootstrap sets (and only those)", () => {
    const raw = readStackConfig(stack);
    for (const key of Object.keys(environmentValues(stack))) raw[key] = key.endsWith("Url") ? `https://example.test/${key}` : "secret-value";
    expect(() => parseConfig(raw)).not.toThrow();
  });

  test("the stack file holds no secret, not even encrypted: its environment is the one source", () => {
    const keys = Object.keys(stackFile(stack).config).map((k) => k.slice(NAMESPACE.length + 1));
    expect(keys.filter((k) => (SECRET_KEYS as string[]).includes(k))).toEqual([]);
    expect(fs.readFileSync(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")).not.toMatch(/secure:/);
  });
});

test("every secret is set as an ESC secret, as a string, read from standard input", () => {
  const sets = bootstrap.escSets.filter((s) => s.path.startsWith("pulumiConfig."));
  expect(sets.length).toBeGreaterThan(0);
  for (const s of sets) expect({ line: s.line, secret: s.secret, string: s.string, stdin: s.stdin }).toEqual({ line: s.line, secret: true, string: true, stdin: true });
  for (const s of sets) expect(SECRET_KEYS).toContain(s.path.slice("pulumiConfig.".length));
});

test("Pulumi.yaml, the schema and docs/configuration.md agree on which secrets are required", () => {
  const declared = declarations(project);
  const shape = secretSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
  for (const key of SECRET_KEYS) {
    const d = declared[fullKey(project.name, key)];
    const requiredBySchema = !shape[key].safeParse(undefined).success;
    const rows = reference.split("\n").filter((l) => l.startsWith(`| \`${key}\` |`));
    expect({ key, declared: d !== undefined && d.default === undefined, secret: d?.secret ?? false, documented: rows.some((row) => /\(required\)/.test(row)) }).toEqual({
      key,
      declared: requiredBySchema,
      secret: requiredBySchema,
      documented: requiredBySchema,
    });
  }
});

test("nobody is told to keep secrets in a stack file (pulumi config set --secret): the ESC environment is the one place", () => {
  const docs = [readme, bootstrap.text, ...fs.readdirSync(path.join(PROJECT_ROOT, "docs")).map((f) => fs.readFileSync(path.join(PROJECT_ROOT, "docs", f), "utf8"))];
  for (const text of docs) expect(text).not.toMatch(/pulumi config set --secret/);
});
