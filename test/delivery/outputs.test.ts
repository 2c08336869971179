// The outputs app deploys consume: both stacks export every documented output with the value the
// config implies, every export is documented (stack-outputs.ts and docs/outputs.md), no secret leaves
// the stack in plaintext, and the docs' StackReference example compiles against the typed outputs.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { parse } from "yaml";
import type { StackConfig } from "../../config";
import { PROJECT_ROOT, STACKS } from "../../lib/stack-file";
import { STACK_OUTPUTS, type StackOutputDoc, type StackOutputName } from "../../stack-outputs";
import { runProgram, TEST_SECRETS, type ProgramRun } from "../harness";
import { testStackConfig } from "../stack-config";

const DOCS = path.join(PROJECT_ROOT, "docs", "outputs.md");
const docs = fs.readFileSync(DOCS, "utf8");
const outputDocs = STACK_OUTPUTS as Record<StackOutputName, StackOutputDoc>;
const names = Object.keys(outputDocs) as StackOutputName[];

/** Values the engine would learn from providers and that are secrets (see the harness' mocks). */
const COMPUTED_SECRETS = ["test-integration-key-secret"];
const SECRETS = [...Object.values(TEST_SECRETS), ...COMPUTED_SECRETS];

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

describe.each(STACKS)("stack %s", (stack) => {
  let run: ProgramRun;
  let c: StackConfig;
  beforeAll(async () => {
    run = await runProgram(stack);
    c = testStackConfig(stack);
  });

  it("exports every documented output", () => {
    const missing = names.filter((n) => run.outputs[n] === undefined || run.outputs[n] === null || run.outputs[n] === "");
    expect(missing).toEqual([]);
  });

  it("exports nothing undocumented (add it to stack-outputs.ts and docs/outputs.md)", () => {
    expect(Object.keys(run.outputs).filter((n) => !(n in outputDocs))).toEqual([]);
  });

  it("exports no secret in plaintext, and marks secret exactly the outputs documented as secret", () => {
    const leaks = Object.entries(run.outputs)
      .filter(([name]) => !run.secretOutputs.includes(name))
      .flatMap(([name, value]) => strings(value).flatMap((s) => SECRETS.filter((secret) => s.includes(secret)).map((secret) => `${name}: ${secret}`)));
    expect(leaks).toEqual([]);
    // No output carries a secret, so none is exported as one.
    expect([...run.secretOutputs]).toEqual([]);
  });

  it("tells app deploys where and how their metrics are scraped", () => {
    expect(run.outputs.monitoringNamespace).toBe(c.namespaces.monitoring);
    expect(run.outputs.scrapeSelector).toEqual(c.licenseApi.selector);
    expect(run.outputs.scrapeEndpoint).toEqual({ namespace: c.namespaces.licenseApi, port: c.licenseApi.metricsPortName, path: c.licenseApi.metricsPath });
    // The ServiceMonitor the stack creates selects exactly what the outputs promise.
    const [monitor] = run.resources.filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:ServiceMonitor");
    expect(monitor.inputs.spec.selector.matchLabels).toEqual(run.outputs.scrapeSelector);
    expect(monitor.inputs.spec.namespaceSelector.matchNames).toEqual([c.namespaces.licenseApi]);
    expect(monitor.inputs.spec.endpoints[0]).toMatchObject({ port: c.licenseApi.metricsPortName, path: c.licenseApi.metricsPath });
  });

  it("gives in-cluster URLs for Prometheus, Alertmanager, the collector and Jaeger", () => {
    const inNamespace = (ns: string, port: number) => new RegExp(`^http://[a-z0-9-]+\\.${ns}\\.svc(\\.cluster\\.local)?:${port}$`);
    expect(run.outputs.prometheusUrl).toMatch(inNamespace(c.namespaces.monitoring, 9090));
    expect(run.outputs.alertmanagerUrl).toMatch(inNamespace(c.namespaces.monitoring, 9093));
    expect(run.outputs.otlpGrpcEndpoint).toMatch(inNamespace(c.namespaces.tracing, 4317));
    expect(run.outputs.otlpHttpEndpoint).toMatch(inNamespace(c.namespaces.tracing, 4318));
    expect(run.outputs.jaegerQueryUrl).toMatch(inNamespace(c.namespaces.tracing, 16686));
  });

  it("gives the ids of the PagerDuty service, the log buckets, the audit view and the uptime check", () => {
    const id = (type: string, name: RegExp) => {
      const found = run.resources.filter((r) => r.type === type && name.test(r.name));
      expect(found.map((r) => r.name)).toHaveLength(1);
      return `${found[0].name}-id`; // the mocks' id
    };
    expect(run.outputs.pagerdutyServiceId).toBe(id("pagerduty:index/service:Service", /./));
    expect(run.outputs.logBucket).toBe(id("gcp:logging/projectBucketConfig:ProjectBucketConfig", /api/));
    expect(run.outputs.auditLogBucket).toBe(id("gcp:logging/projectBucketConfig:ProjectBucketConfig", /audit/));
    expect(run.outputs.auditLogView).toBe(id("gcp:logging/logView:LogView", /audit/));
    expect(typeof run.outputs.uptimeCheckId).toBe("string");
  });

  it("gives a URL in the stack's Grafana for every dashboard", () => {
    const urls = run.outputs.dashboardUrls as Record<string, string>;
    expect(Object.keys(urls).length).toBeGreaterThan(0);
    for (const url of Object.values(urls)) expect(url.startsWith(`${c.grafana.url}/d/`)).toBe(true);
  });
});

describe("docs/outputs.md", () => {
  it("has a row for every output", () => {
    const rows = [...docs.matchAll(/^\| `([A-Za-z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect([...rows].sort()).toEqual([...names].sort());
  });

  it("shows a StackReference to this project's prod stack", () => {
    const project = (parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as { name: string }).name;
    expect(docs).toContain(`new pulumi.StackReference("<org>/${project}/prod")`);
  });

  it("has an example that type-checks against stack-outputs.ts and the Pulumi SDKs", () => {
    const blocks = [...docs.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toHaveLength(1);
    // Compiled as if it were a file of docs/, importing the real stack-outputs.ts.
    const file = path.join(PROJECT_ROOT, "docs", "__outputs-example__.ts");
    const code = blocks[0].replace(`from "./stack-outputs"`, `from "../stack-outputs"`);
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      types: ["node"],
    };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (f, lang, ...rest) => (f === file ? ts.createSourceFile(f, code, lang) : getSourceFile.call(host, f, lang, ...rest));
    host.fileExists = (f) => f === file || fileExists.call(host, f);
    host.readFile = (f) => (f === file ? code : readFile.call(host, f));
    const diagnostics = ts.getPreEmitDiagnostics(ts.createProgram([file], options, host));
    const text = ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => PROJECT_ROOT, getNewLine: () => "\n" });
    expect(text).toBe("");
    // It reads only documented outputs.
    const read = [...code.matchAll(/monitoringOutput\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(read.length).toBeGreaterThan(0);
    for (const n of read) expect(names).toContain(n);
  });
});
