// The pure parts of logging and uptime: filters, metric specs, the auditors' IAM condition, the uptime
// check spec and its alert condition, for each stack's real config.
import { STACKS } from "../../lib/stack-file";
import {
  apiLogsFilter,
  AUDIT_EVENTS,
  auditEventsFilter,
  auditSinkFilter,
  auditViewCondition,
  dataAccessFilter,
  logMetrics,
  logSource,
} from "../../render/log-filters";
import { runbookUrl, uptimeAlertDocumentation, uptimeCheckSpec } from "../../render/uptime";
import { testStackConfig } from "../stack-config";

const source = { project: "p-test-1", cluster: "gke-a", namespace: "ns-a", container: "api-a" };

describe("log filters", () => {
  test("API logs: GKE containers of the configured cluster, namespace and container", () => {
    expect(apiLogsFilter(source)).toBe(
      'resource.type="k8s_container" AND resource.labels.project_id="p-test-1" AND resource.labels.cluster_name="gke-a" AND resource.labels.namespace_name="ns-a" AND resource.labels.container_name="api-a"',
    );
  });

  test("audit events: the API's logs narrowed to the four audit event names", () => {
    const f = auditEventsFilter(source);
    expect(f.startsWith(apiLogsFilter(source) + " AND ")).toBe(true);
    expect(f).toContain('jsonPayload.event=("seat.acquired" OR "seat.released" OR "license.validated" OR "license.rejected")');
    expect(AUDIT_EVENTS).toEqual(["seat.acquired", "seat.released", "license.validated", "license.rejected"]);
  });

  test("data access: the project's data_access log, only for the audited services", () => {
    expect(dataAccessFilter("p-test-1", ["redis.googleapis.com", "sqladmin.googleapis.com"])).toBe(
      'logName="projects/p-test-1/logs/cloudaudit.googleapis.com%2Fdata_access" AND protoPayload.serviceName=("redis.googleapis.com" OR "sqladmin.googleapis.com")',
    );
  });

  test("values are quoted, so a value cannot break out of its term", () => {
    expect(apiLogsFilter({ ...source, container: 'x" OR true' })).toContain('resource.labels.container_name="x\\" OR true"');
  });

  test.each(STACKS)("%s: sink filters name the configured namespace and container", (stack) => {
    const c = testStackConfig(stack);
    const audit = auditSinkFilter(c);
    for (const f of [apiLogsFilter(logSource(c)), audit]) {
      expect(f).toContain(`resource.labels.namespace_name="${c.namespaces.licenseApi}"`);
      expect(f).toContain(`resource.labels.container_name="${c.licenseApi.container}"`);
    }
    expect(audit).toBe(`(${auditEventsFilter(logSource(c))}) OR (${dataAccessFilter(c.gcp.project, c.logging.auditedServices)})`);
  });

  test.each(STACKS)("%s: auditors' condition names exactly the audit view", (stack) => {
    const c = testStackConfig(stack);
    expect(auditViewCondition(c).expression).toBe(
      `resource.name == "projects/${c.gcp.project}/locations/${c.logging.location}/buckets/license-api-audit/views/auditors"`,
    );
  });
});

describe("log-based metrics", () => {
  const metrics = Object.fromEntries(logMetrics(source).map((m) => [m.name, m]));

  test("seat acquisitions and releases count their events", () => {
    expect(metrics.license_api_seat_acquisitions.filter).toBe(`${apiLogsFilter(source)} AND jsonPayload.event="seat.acquired"`);
    expect(metrics.license_api_seat_releases.filter).toBe(`${apiLogsFilter(source)} AND jsonPayload.event="seat.released"`);
  });

  test("validation failures are labelled by reason", () => {
    const m = metrics.license_api_validation_failures;
    expect(m.filter).toBe(`${apiLogsFilter(source)} AND jsonPayload.event="license.rejected"`);
    expect(m.labelExtractors).toEqual({ reason: "EXTRACT(jsonPayload.reason)" });
    expect(m.labels.map((l) => l.key)).toEqual(["reason"]);
  });

  test("security signal: failed validations per source address", () => {
    const m = metrics.license_api_failed_validations_by_source;
    expect(m.filter).toContain('jsonPayload.event="license.rejected"');
    expect(m.labelExtractors).toEqual({ source_ip: "EXTRACT(jsonPayload.source_ip)" });
  });

  test("every extracted label is declared, and every declared label extracted", () => {
    for (const m of logMetrics(source)) expect(m.labels.map((l) => l.key).sort()).toEqual(Object.keys(m.labelExtractors).sort());
  });
});

describe.each(STACKS)("uptime (%s)", (stack) => {
  const c = testStackConfig(stack);

  test("checks the public health URL over HTTPS with the configured period, timeout and regions", () => {
    const spec = uptimeCheckSpec(c);
    expect(spec.host).toBe(new URL(c.licenseApi.publicUrl).hostname);
    expect(spec).toMatchObject({ path: c.uptime.path, port: 443, period: "60s", timeout: "10s", content: c.uptime.contentMatcher });
    expect(spec.regions).toEqual(c.uptime.regions);
    expect(spec.regions.length).toBeGreaterThanOrEqual(3);
  });

  test("the documentation links the runbook section", () => {
    const doc = uptimeAlertDocumentation(c);
    expect(runbookUrl(c)).toBe(`${c.alerts.runbookBaseUrl}#uptimecheckfailed`);
    expect(runbookUrl(c)).toMatch(/docs\/runbooks\.md#uptimecheckfailed$/);
    expect(doc.mimeType).toBe("text/markdown");
    expect(doc.content).toContain(`(${runbookUrl(c)})`);
  });
});
