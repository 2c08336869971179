// Black-box uptime from outside Google's edge: a Cloud Monitoring Uptime Check on the API's public health
// URL from several regions, and an alert policy that pages PagerDuty when at least two regions fail
// while the cluster cannot page for itself (render/uptime.ts): the whole cluster, or its monitoring,
// being down. Every other outage of the public URL pages once, from the cluster.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { uptimeAlertCondition, uptimeAlertDocumentation, uptimeAlertQuery, uptimeCheckSpec } from "../render/uptime";

export interface UptimeArgs {
  config: StackConfig;
  /** The key of PagerDuty's Cloud Monitoring integration on the on-call service; kept a Pulumi secret. */
  pagerdutyServiceKey: pulumi.Input<string>;
}

export class Uptime extends pulumi.ComponentResource {
  /** The check's short id, as in metric.label.check_id. */
  readonly checkId: pulumi.Output<string>;
  readonly notificationChannel: pulumi.Output<string>;
  readonly alertPolicy: pulumi.Output<string>;

  constructor(name: string, args: UptimeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coditect:monitoring:Uptime", name, {}, opts);
    const c = args.config;
    const project = c.gcp.project;
    const child = { parent: this };
    const spec = uptimeCheckSpec(c);

    const check = new gcp.monitoring.UptimeCheckConfig(
      `${name}-check`,
      {
        project,
        displayName: spec.displayName,
        monitoredResource: { type: "uptime_url", labels: { project_id: project, host: spec.host } },
        httpCheck: {
          path: spec.path,
          port: spec.port,
          useSsl: true,
          validateSsl: true,
          requestMethod: "GET",
          acceptedResponseStatusCodes: [{ statusClass: "STATUS_CLASS_2XX" }],
        },
        period: spec.period,
        timeout: spec.timeout,
        selectedRegions: spec.regions,
        checkerType: "STATIC_IP_CHECKERS",
        contentMatchers: [{ content: spec.content, matcher: "CONTAINS_STRING" }],
        logCheckFailures: true,
        userLabels: { service: "license-api", environment: c.environment },
      },
      child,
    );

    const channel = new gcp.monitoring.NotificationChannel(
      `${name}-pagerduty`,
      {
        project,
        type: "pagerduty",
        displayName: `License API on-call (${c.environment})`,
        sensitiveLabels: { serviceKey: pulumi.secret(args.pagerdutyServiceKey) },
        userLabels: { service: "license-api", environment: c.environment },
      },
      child,
    );

    const policy = new gcp.monitoring.AlertPolicy(
      `${name}-alert`,
      {
        project,
        displayName: `UptimeCheckFailed: license API (${c.environment})`,
        combiner: "OR",
        severity: "CRITICAL",
        conditions: [uptimeAlertCondition(check.uptimeCheckId.apply((id) => uptimeAlertQuery(c, id)), c)],
        notificationChannels: [channel.id],
        alertStrategy: { autoClose: "1800s" },
        documentation: uptimeAlertDocumentation(c),
        userLabels: { service: "license-api", environment: c.environment, severity: "critical" },
      },
      child,
    );

    this.checkId = check.uptimeCheckId;
    this.notificationChannel = channel.id;
    this.alertPolicy = policy.id;
    this.registerOutputs({ checkId: this.checkId, notificationChannel: this.notificationChannel, alertPolicy: this.alertPolicy });
  }
}
