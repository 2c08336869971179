// The real program under Pulumi mocks, per stack: the logging and uptime resources and their inputs.
import { ConfigError, parseConfig } from "../../config";
import { readStackConfig, STACKS, type StackName } from "../../lib/stack-file";
import { apiLogsFilter, AUDIT_LOG_TYPES, auditSinkFilter, auditViewCondition, dataAccessFilter, logMetrics, logSource } from "../../render/log-filters";
import { uptimeAlertQuery } from "../../render/uptime";
import { COMPUTED_SECRETS, ProgramFailure, runProgram, TEST_SECRETS, type ProgramRun } from "../harness";
import { testStackConfig } from "../stack-config";

const T = {
  bucket: "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  sink: "gcp:logging/projectSink:ProjectSink",
  exclusion: "gcp:logging/projectExclusion:ProjectExclusion",
  metric: "gcp:logging/metric:Metric",
  auditConfig: "gcp:projects/iAMAuditConfig:IAMAuditConfig",
  view: "gcp:logging/logView:LogView",
  member: "gcp:projects/iAMMember:IAMMember",
  check: "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig",
  channel: "gcp:monitoring/notificationChannel:NotificationChannel",
  policy: "gcp:monitoring/alertPolicy:AlertPolicy",
};

/** What each stack must get, written out rather than read back from the stack file. */
const EXPECTED: Record<StackName, { project: string; auditRetentionDays: number; auditLocked: boolean }> = {
  staging: { project: "coditect-staging", auditRetentionDays: 90, auditLocked: false },
  prod: { project: "coditect-prod", auditRetentionDays: 400, auditLocked: true },
};

describe.each(STACKS)("logging and uptime of %s", (stack) => {
  const c = testStackConfig(stack);
  const want = EXPECTED[stack];
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram(stack);
  });

  test("the API log bucket keeps 90 days, has Log Analytics, is explicitly unlocked and deletion-protected", () => {
    const b = run.get(T.bucket, "logging-api-bucket").inputs;
    expect(b).toMatchObject({ project: want.project, location: "global", bucketId: "license-api", retentionDays: 90, enableAnalytics: true, locked: false, deletionPolicy: "PREVENT" });
  });

  test(`the audit bucket keeps ${want.auditRetentionDays} days and locked is ${want.auditLocked}`, () => {
    const b = run.get(T.bucket, "logging-audit-bucket").inputs;
    expect(b).toMatchObject({ project: want.project, bucketId: "license-api-audit", retentionDays: want.auditRetentionDays, deletionPolicy: "PREVENT" });
    expect(b.locked).toBe(want.auditLocked);
    expect(b.retentionDays).toBeGreaterThanOrEqual(90);
  });

  test("each sink writes to its own bucket, with filters naming the configured namespace", () => {
    const api = run.get(T.sink, "logging-api-sink").inputs;
    const audit = run.get(T.sink, "logging-audit-sink").inputs;
    // Mocked ids are "<resource name>-id": the destinations are the buckets' own ids.
    expect(api.destination).toBe("logging.googleapis.com/logging-api-bucket-id");
    expect(audit.destination).toBe("logging.googleapis.com/logging-audit-bucket-id");
    expect(api.filter).toBe(apiLogsFilter(logSource(c)));
    expect(audit.filter).toBe(auditSinkFilter(c));
    for (const s of [api, audit]) {
      expect(s.filter).toContain('resource.labels.namespace_name="license-api"');
      expect(s.filter).toContain('resource.type="k8s_container"');
      expect(s.uniqueWriterIdentity).toBe(true);
      expect(s.project).toBe(want.project);
    }
    expect(audit.filter).toContain("jsonPayload.event=");
    expect(audit.filter).toContain("cloudaudit.googleapis.com%2Fdata_access");
    expect(run.ofType(T.sink)).toHaveLength(2);
  });

  test("exclusions keep the routed logs out of _Default", () => {
    const filters = run.ofType(T.exclusion).map((e) => e.inputs.filter).sort();
    expect(filters).toEqual([apiLogsFilter(logSource(c)), dataAccessFilter(want.project, c.logging.auditedServices)].sort());
    for (const e of run.ofType(T.exclusion)) expect(e.inputs.disabled).toBeFalsy();
  });

  test("log-based metrics: seat acquisitions/releases, failures by reason, failures per source", () => {
    const metrics = run.ofType(T.metric).map((m) => m.inputs);
    expect(metrics.map((m) => m.name).sort()).toEqual([
      "license_api_failed_validations_by_source",
      "license_api_seat_acquisitions",
      "license_api_seat_releases",
      "license_api_validation_failures",
    ]);
    const byName = Object.fromEntries(metrics.map((m) => [m.name, m]));
    for (const spec of logMetrics(logSource(c))) {
      const m = byName[spec.name];
      expect(m.filter).toBe(spec.filter);
      expect(m.filter).toContain('resource.labels.namespace_name="license-api"');
      expect(m.labelExtractors).toEqual(spec.labelExtractors);
      expect(m.metricDescriptor).toMatchObject({ metricKind: "DELTA", valueType: "INT64" });
      expect(m.metricDescriptor.labels.map((l: { key: string }) => l.key)).toEqual(Object.keys(spec.labelExtractors));
    }
    expect(byName.license_api_validation_failures.labelExtractors).toEqual({ reason: "EXTRACT(jsonPayload.reason)" });
    expect(byName.license_api_failed_validations_by_source.labelExtractors).toEqual({ source_ip: "EXTRACT(jsonPayload.source_ip)" });
  });

  test("Data Access audit logs (ADMIN_READ, DATA_READ, DATA_WRITE) for every audited service", () => {
    const configs = run.ofType(T.auditConfig).map((r) => r.inputs);
    expect(configs.map((a) => a.service).sort()).toEqual([...c.logging.auditedServices].sort());
    for (const a of configs) {
      expect(a.project).toBe(want.project);
      expect(a.auditLogConfigs.map((l: { logType: string }) => l.logType).sort()).toEqual([...AUDIT_LOG_TYPES].sort());
      expect(a.auditLogConfigs.every((l: { exemptedMembers?: string[] }) => !l.exemptedMembers?.length)).toBe(true);
    }
  });

  test("auditors read the audit bucket through its view only", () => {
    const view = run.get(T.view, "logging-audit-view").inputs;
    expect(view).toMatchObject({ name: "auditors", bucket: "logging-audit-bucket-id", location: "global", parent: `projects/${want.project}` });
    const members = run.ofType(T.member).filter((m) => m.inputs.role === "roles/logging.viewAccessor");
    expect(members.map((m) => m.inputs.member)).toEqual(c.logging.auditors);
    for (const m of members) {
      expect(m.inputs.project).toBe(want.project);
      expect(m.inputs.condition).toEqual(auditViewCondition(c));
      expect(m.inputs.condition.expression).toContain("/buckets/license-api-audit/views/auditors");
    }
    expect(run.ofType(T.member).filter((m) => /^roles\/logging\.(viewer|privateLogViewer|admin)$/.test(m.inputs.role))).toEqual([]);
  });

  test("the uptime check probes the public health URL every 60 s from at least three regions", () => {
    const u = run.get(T.check, "uptime-check").inputs;
    expect(u.project).toBe(want.project);
    expect(u.period).toBe("60s");
    expect(u.timeout).toBe("10s");
    expect(u.selectedRegions).toEqual(["USA", "EUROPE", "ASIA_PACIFIC", "SOUTH_AMERICA"]);
    expect(u.monitoredResource).toEqual({ type: "uptime_url", labels: { project_id: want.project, host: new URL(c.licenseApi.publicUrl).hostname } });
    expect(u.httpCheck).toMatchObject({ path: "/health/", port: 443, useSsl: true, validateSsl: true });
    expect(u.contentMatchers).toEqual([{ content: '"status": "ok"', matcher: "CONTAINS_STRING" }]);
  });

  test("the PagerDuty channel's key is that of the on-call service's Cloud Monitoring integration (not Alertmanager's), and secret", () => {
    const ch = run.get(T.channel, "uptime-pagerduty");
    expect(ch.inputs.type).toBe("pagerduty");
    expect(ch.inputs.sensitiveLabels.serviceKey).toBe(COMPUTED_SECRETS.cloudMonitoringIntegrationKey);
    const integration = run.get("pagerduty:index/serviceIntegration:ServiceIntegration", "license-api-cloud-monitoring");
    expect(integration.inputs).toMatchObject({ service: "license-api-service-id", vendor: "PVENDOR-GCM" });
    // The key's path, or an object enclosing it, is secret (the SDK marks the enclosing map).
    expect(ch.secretPaths.some((p) => "sensitiveLabels.serviceKey" === p || "sensitiveLabels.serviceKey".startsWith(`${p}.`))).toBe(true);
    expect(JSON.stringify(ch.inputs.labels ?? {})).not.toContain(COMPUTED_SECRETS.cloudMonitoringIntegrationKey);
  });

  test("the alert policy watches this check, from 2+ regions while the cluster cannot page, and notifies the channel", () => {
    const p = run.get(T.policy, "uptime-alert").inputs;
    expect(p.notificationChannels).toEqual(["uptime-pagerduty-id"]);
    expect(p.combiner).toBe("OR");
    expect(p.conditions).toHaveLength(1);
    // What the query means is test/uptime's, judged by the real Prometheus.
    const q = p.conditions[0].conditionPrometheusQueryLanguage;
    expect(q).toEqual({ query: uptimeAlertQuery(c, "test-uptime-check-id"), duration: "60s", evaluationInterval: "30s" });
    expect(p.documentation.mimeType).toBe("text/markdown");
    expect(p.documentation.content).toContain("docs/runbooks.md#uptimecheckfailed");
  });

  test("exports the buckets and the view", () => {
    expect(run.outputs).toMatchObject({
      logBucket: "logging-api-bucket-id",
      auditLogBucket: "logging-audit-bucket-id",
      auditLogView: "logging-audit-view-id",
      uptimeCheckId: "test-uptime-check-id",
    });
  });

  test("every logging and uptime resource goes through the gcp provider", () => {
    for (const type of Object.values(T)) {
      for (const r of run.ofType(type)) expect(r.provider).toMatch(/::gcp::/);
    }
  });
});

describe("config rejection", () => {
  const prodLogging = JSON.parse(readStackConfig("prod")["coditect-monitoring:logging"]);

  async function failure(run: Promise<unknown>): Promise<ProgramFailure> {
    const caught = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(caught).toBeInstanceOf(ProgramFailure);
    return caught as ProgramFailure;
  }

  test("auditRetentionDays 89 fails the program with a message naming the key, and nothing is registered", async () => {
    const f = await failure(runProgram("prod", { config: { logging: { ...prodLogging, auditRetentionDays: 89 } } }));
    // The program ran in its own module registry, so its ConfigError is a different class object.
    expect((f.failure as Error).name).toBe(ConfigError.name);
    expect(f.message).toMatch(/coditect-monitoring:logging\.auditRetentionDays: must be at least 90.*\(got 89\)/);
    expect(f.resources).toEqual([]);
  });

  test("a missing logging key fails the program with a message naming the key, and nothing is registered", async () => {
    const f = await failure(runProgram("staging", { without: ["logging"] }));
    // The program ran in its own module registry, so its ConfigError is a different class object.
    expect((f.failure as Error).name).toBe(ConfigError.name);
    expect(f.message).toMatch(/coditect-monitoring:logging: is required \(got missing\)/);
    expect(f.resources).toEqual([]);
  });

  test("parseConfig reports every logging problem at once", () => {
    const raw = readStackConfig("prod");
    for (const [k, v] of Object.entries(TEST_SECRETS)) raw[`coditect-monitoring:${k}`] = v;
    raw["coditect-monitoring:logging"] = JSON.stringify({ ...prodLogging, retentionDays: 30, auditRetentionDays: 89 });
    expect(() => parseConfig(raw)).toThrow(/logging\.retentionDays: must be at least 90[\s\S]*logging\.auditRetentionDays: must be at least 90/);
    delete raw["coditect-monitoring:logging"];
    expect(() => parseConfig(raw)).toThrow(/coditect-monitoring:logging: is required/);
  });
});
