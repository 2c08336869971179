// Cloud Logging filters, log-based metric specs and audit settings for the license API: pure functions
// of the stack config, shared by components/logging.ts, the docs and the tests.
//
// The filters rely on the license API's structured JSON log contract (docs/logging.md). On GKE the
// logging agent parses every JSON line a container writes to stdout/stderr into `jsonPayload`, and lifts
// `severity`, `message`, `time` and `logging.googleapis.com/*` keys into the LogEntry itself.
import type { StackConfig } from "../config";

/** The structured fields of the API's log lines that filters and metrics depend on. */
export const LOG_FIELDS = {
  /** Audit event name; one of AUDIT_EVENTS. Present only on audit lines. */
  event: "jsonPayload.event",
  /** Why a validation failed (license.rejected only): a short enum such as expired, revoked, seat_limit, invalid_signature, unknown_license. */
  reason: "jsonPayload.reason",
  /** The client's address as the API saw it (first X-Forwarded-For hop behind the load balancer). */
  sourceIp: "jsonPayload.source_ip",
  /** License tier (free, pro, enterprise); never the license key itself. */
  tier: "jsonPayload.tier",
  /** Opaque license identifier (not the key); lets auditors follow one license's seats. */
  licenseId: "jsonPayload.license_id",
} as const;

/** The audit events the API logs, one line each, with `event` set to one of these. */
export const AUDIT_EVENTS = ["seat.acquired", "seat.released", "license.validated", "license.rejected"] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

/** Every Data Access audit log type, enabled for each audited service. */
export const AUDIT_LOG_TYPES = ["ADMIN_READ", "DATA_READ", "DATA_WRITE"] as const;

export const BUCKET_IDS = { api: "license-api", audit: "license-api-audit" } as const;
export const AUDIT_VIEW_ID = "auditors";

/** Where the API's container logs come from. */
export interface LogSource {
  project: string;
  cluster: string;
  namespace: string;
  container: string;
}

export function logSource(c: StackConfig): LogSource {
  return { project: c.gcp.project, cluster: c.cluster.name, namespace: c.namespaces.licenseApi, container: c.licenseApi.container };
}

const quote = (value: string) => JSON.stringify(value);
const and = (...terms: string[]) => terms.join(" AND ");
const anyOf = (values: readonly string[]) => `(${values.map(quote).join(" OR ")})`;

/** Every log line of the API's containers on the cluster. */
export function apiLogsFilter(s: LogSource): string {
  return and(
    `resource.type="k8s_container"`,
    `resource.labels.project_id=${quote(s.project)}`,
    `resource.labels.cluster_name=${quote(s.cluster)}`,
    `resource.labels.namespace_name=${quote(s.namespace)}`,
    `resource.labels.container_name=${quote(s.container)}`,
  );
}

/** The API's audit events (seat acquisition/release, license validations), a subset of its logs. */
export function auditEventsFilter(s: LogSource, events: readonly AuditEvent[] = AUDIT_EVENTS): string {
  return and(apiLogsFilter(s), `${LOG_FIELDS.event}=${anyOf(events)}`);
}

/** Cloud Audit Logs' Data Access entries (ADMIN_READ, DATA_READ, DATA_WRITE) of the audited services. */
export function dataAccessFilter(project: string, services: readonly string[]): string {
  return and(`logName=${quote(`projects/${project}/logs/cloudaudit.googleapis.com%2Fdata_access`)}`, `protoPayload.serviceName=${anyOf(services)}`);
}

/** What the audit bucket receives: the API's audit events and the audited services' Data Access logs. */
export function auditSinkFilter(c: StackConfig): string {
  return `(${auditEventsFilter(logSource(c))}) OR (${dataAccessFilter(c.gcp.project, c.logging.auditedServices)})`;
}

export function bucketResourceName(project: string, location: string, bucketId: string): string {
  return `projects/${project}/locations/${location}/buckets/${bucketId}`;
}

export function auditViewResourceName(c: StackConfig): string {
  return `${bucketResourceName(c.gcp.project, c.logging.location, BUCKET_IDS.audit)}/views/${AUDIT_VIEW_ID}`;
}

/**
 * The IAM condition that limits a project-level `roles/logging.viewAccessor` grant to the audit view,
 * as Google documents for log-view access ("resource.name == <view>").
 */
export function auditViewCondition(c: StackConfig): { title: string; description: string; expression: string } {
  return {
    title: "audit-log-view-only",
    description: "Read access to the license API audit log view and nothing else",
    expression: `resource.name == ${quote(auditViewResourceName(c))}`,
  };
}

export interface LogMetricSpec {
  /** Metric id; Cloud Monitoring type logging.googleapis.com/user/<name>. */
  name: string;
  description: string;
  filter: string;
  /** Label key to extractor expression. */
  labelExtractors: Record<string, string>;
  labels: { key: string; description: string }[];
}

const extract = (field: string) => `EXTRACT(${field})`;

/**
 * Counter log-based metrics (DELTA, INT64). Project-scoped, so they count every matching entry the
 * project receives, including entries excluded from _Default.
 */
export function logMetrics(s: LogSource): LogMetricSpec[] {
  const event = (e: AuditEvent) => and(apiLogsFilter(s), `${LOG_FIELDS.event}=${quote(e)}`);
  return [
    {
      name: "license_api_seat_acquisitions",
      description: "Seats acquired (event=seat.acquired)",
      filter: event("seat.acquired"),
      labelExtractors: { tier: extract(LOG_FIELDS.tier) },
      labels: [{ key: "tier", description: "License tier" }],
    },
    {
      name: "license_api_seat_releases",
      description: "Seats released (event=seat.released)",
      filter: event("seat.released"),
      labelExtractors: { tier: extract(LOG_FIELDS.tier) },
      labels: [{ key: "tier", description: "License tier" }],
    },
    {
      name: "license_api_validation_failures",
      description: "Failed license validations by reason (event=license.rejected)",
      filter: event("license.rejected"),
      labelExtractors: { reason: extract(LOG_FIELDS.reason) },
      labels: [{ key: "reason", description: "Why the validation failed" }],
    },
    {
      name: "license_api_failed_validations_by_source",
      description: "Security signal: failed license validations per client address (event=license.rejected)",
      filter: event("license.rejected"),
      labelExtractors: { source_ip: extract(LOG_FIELDS.sourceIp) },
      labels: [{ key: "source_ip", description: "Client address the failed validation came from" }],
    },
  ];
}
