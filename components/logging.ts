// Cloud Logging for the license API: its own log bucket (90 days, Log Analytics), an audit bucket
// (retention from config, locked in prod), sinks into both, exclusions so the same entries are not also
// stored (and paid for) in _Default, log-based metrics, Data Access audit logs for the services the API
// uses, and an audit log view only the configured auditors can read. Filters live in render/log-filters.ts.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import {
  apiLogsFilter,
  AUDIT_LOG_TYPES,
  AUDIT_VIEW_ID,
  auditSinkFilter,
  auditViewCondition,
  BUCKET_IDS,
  dataAccessFilter,
  logMetrics,
  logSource,
} from "../render/log-filters";

export interface LoggingArgs {
  config: StackConfig;
}

/**
 * Options for the stateful children (the buckets): `protect` stops `pulumi destroy`/replacement at the
 * Pulumi level, `deletionPolicy: "PREVENT"` (an input) stops the provider from deleting them too.
 */
function statefulOptions(parent: pulumi.Resource): pulumi.CustomResourceOptions {
  return { parent, protect: true };
}
export const STATEFUL_DELETION_POLICY = "PREVENT";

/**
 * The audit bucket's last line of defence against edits Cloud Logging would reject halfway through an
 * update: the config's lock record (logging.auditLockedAs) refuses them first, but it is only as good
 * as the record. Here the engine compares with the bucket's real recorded state: a change of these
 * fields is planned as a replacement, which `protect` refuses during the preview, before any step runs.
 * When locked, that is the retention; when unlocked, the lock itself, so that a bucket the state knows
 * as locked is never sent `locked: false`. (Its location is a replacement already.) Locking a bucket
 * and changing its retention therefore take two updates.
 */
export function lockGuard(locked: boolean): string[] {
  return locked ? ["retentionDays"] : ["locked"];
}

export class Logging extends pulumi.ComponentResource {
  /** Full resource name of the API log bucket (projects/…/locations/…/buckets/license-api). */
  readonly apiBucket: pulumi.Output<string>;
  /** Full resource name of the audit log bucket. */
  readonly auditBucket: pulumi.Output<string>;
  /** Full resource name of the auditors' log view on the audit bucket. */
  readonly auditView: pulumi.Output<string>;

  constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coditect:monitoring:Logging", name, {}, opts);
    const c = args.config;
    const project = c.gcp.project;
    const child = { parent: this };
    const source = logSource(c);

    const apiBucket = new gcp.logging.ProjectBucketConfig(
      `${name}-api-bucket`,
      {
        project,
        location: c.logging.location,
        bucketId: BUCKET_IDS.api,
        description: `License API container logs (${c.environment})`,
        retentionDays: c.logging.retentionDays,
        enableAnalytics: true,
        locked: false,
        deletionPolicy: STATEFUL_DELETION_POLICY,
      },
      statefulOptions(this),
    );
    const auditBucket = new gcp.logging.ProjectBucketConfig(
      `${name}-audit-bucket`,
      {
        project,
        location: c.logging.location,
        bucketId: BUCKET_IDS.audit,
        description: `License API audit events and Data Access audit logs (${c.environment})`,
        retentionDays: c.logging.auditRetentionDays,
        // Always explicit: a locked bucket can never be unlocked and its retention never changed.
        locked: c.logging.auditLocked,
        enableAnalytics: false,
        deletionPolicy: STATEFUL_DELETION_POLICY,
      },
      { ...statefulOptions(this), replaceOnChanges: lockGuard(c.logging.auditLocked) },
    );

    // A sink to a log bucket in its own project is authorized by Cloud Logging itself: no IAM grant
    // to the writer identity is needed (it would be roles/logging.bucketWriter for another project).
    const apiSink = new gcp.logging.ProjectSink(
      `${name}-api-sink`,
      {
        project,
        name: "license-api-logs",
        description: "License API container logs to their own bucket",
        destination: pulumi.interpolate`logging.googleapis.com/${apiBucket.id}`,
        filter: apiLogsFilter(source),
        uniqueWriterIdentity: true,
      },
      child,
    );
    const auditSink = new gcp.logging.ProjectSink(
      `${name}-audit-sink`,
      {
        project,
        name: "license-api-audit",
        description: "License API audit events and Data Access audit logs to the audit bucket",
        destination: pulumi.interpolate`logging.googleapis.com/${auditBucket.id}`,
        filter: auditSinkFilter(c),
        uniqueWriterIdentity: true,
      },
      child,
    );

    // Exclusions on the _Default sink (what ProjectExclusion manages). Created after the sinks so that
    // no entry is ever dropped before it has another home. _Required cannot be excluded from and keeps
    // Admin Activity and System Event audit logs regardless.
    new gcp.logging.ProjectExclusion(
      `${name}-default-exclude-api`,
      {
        project,
        name: "license-api-logs-in-own-bucket",
        description: "License API logs are stored in the license-api bucket",
        filter: apiLogsFilter(source),
      },
      { ...child, dependsOn: [apiSink, auditSink] },
    );
    new gcp.logging.ProjectExclusion(
      `${name}-default-exclude-data-access`,
      {
        project,
        name: "license-api-data-access-in-audit-bucket",
        description: "Data Access audit logs of the audited services are stored in the license-api-audit bucket",
        filter: dataAccessFilter(project, c.logging.auditedServices),
      },
      { ...child, dependsOn: [auditSink] },
    );

    for (const m of logMetrics(source)) {
      new gcp.logging.Metric(
        `${name}-metric-${m.name}`,
        {
          project,
          name: m.name,
          description: m.description,
          filter: m.filter,
          metricDescriptor: {
            metricKind: "DELTA",
            valueType: "INT64",
            unit: "1",
            displayName: m.description,
            labels: m.labels.map((l) => ({ key: l.key, valueType: "STRING", description: l.description })),
          },
          labelExtractors: m.labelExtractors,
        },
        child,
      );
    }

    for (const service of c.logging.auditedServices) {
      new gcp.projects.IAMAuditConfig(
        `${name}-audit-${service.split(".")[0]}`,
        { project, service, auditLogConfigs: AUDIT_LOG_TYPES.map((logType) => ({ logType })) },
        child,
      );
    }

    const view = new gcp.logging.LogView(
      `${name}-audit-view`,
      {
        name: AUDIT_VIEW_ID,
        bucket: auditBucket.id,
        location: c.logging.location,
        parent: `projects/${project}`,
        description: "Read-only view of the license API audit bucket for auditors",
      },
      child,
    );
    const condition = auditViewCondition(c);
    for (const member of c.logging.auditors) {
      // Named by member, not position, so reordering the list does not churn the grants.
      new gcp.projects.IAMMember(
        `${name}-auditor-${member.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`,
        { project, role: "roles/logging.viewAccessor", member, condition },
        { ...child, dependsOn: [view] },
      );
    }

    this.apiBucket = apiBucket.id;
    this.auditBucket = auditBucket.id;
    this.auditView = view.id;
    this.registerOutputs({ apiBucket: this.apiBucket, auditBucket: this.auditBucket, auditView: this.auditView });
  }
}
