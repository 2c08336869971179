// The PagerDuty side of a page: team, rotation, escalation, and the service with its two integrations:
// Alertmanager's (Events API v2) and the Cloud Monitoring uptime check's. Each stack creates its own in
// the one account staging and prod share, every name ending with its environment (config.ts checks).
import * as pagerduty from "@pulumi/pagerduty";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";

/** The provider's value for a service whose incidents never resolve on a timer. */
export const AUTO_RESOLVE_NEVER = "null";

/** PagerDuty's catalogue name of its integration for Google Cloud Monitoring notification channels. */
export const CLOUD_MONITORING_VENDOR = "Google Cloud Monitoring";

export interface OnCallArgs {
  config: StackConfig["pagerduty"];
}

export class OnCall extends pulumi.ComponentResource {
  readonly serviceId: pulumi.Output<string>;
  readonly escalationPolicyId: pulumi.Output<string>;
  /** Events API v2 routing key, a Pulumi secret. */
  readonly integrationKey: pulumi.Output<string>;
  /** The key of the integration the uptime check's Cloud Monitoring channel pages through (secret). */
  readonly cloudMonitoringIntegrationKey: pulumi.Output<string>;

  constructor(name: string, args: OnCallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coditect:monitoring:OnCall", name, {}, opts);
    const c = args.config;
    const child = { parent: this };
    const emails = [...new Set([...c.schedule.layers.flatMap((l) => l.users), ...c.escalation.rules.flatMap((r) => r.targets.filter((t) => t !== "schedule"))])];
    const userIds = new Map(emails.map((email) => [email, pagerduty.getUserOutput({ email }, child).id]));
    const user = (email: string) => userIds.get(email)!;

    const team = new pagerduty.Team(`${name}-team`, { name: c.team.name, description: c.team.description }, child);
    emails.forEach((email, i) => {
      new pagerduty.TeamMembership(`${name}-member-${i}`, { teamId: team.id, userId: user(email), role: "responder" }, child);
    });
    const schedule = new pagerduty.Schedule(
      `${name}-schedule`,
      {
        name: c.schedule.name,
        timeZone: c.schedule.timeZone,
        teams: [team.id],
        layers: c.schedule.layers.map((l) => ({
          name: l.name,
          start: l.start,
          rotationVirtualStart: l.rotationVirtualStart,
          rotationTurnLengthSeconds: l.rotationTurnLengthSeconds,
          users: l.users.map(user),
        })),
      },
      child,
    );
    const policy = new pagerduty.EscalationPolicy(
      `${name}-escalation`,
      {
        name: c.escalation.name,
        numLoops: c.escalation.numLoops,
        teams: team.id,
        rules: c.escalation.rules.map((r) => ({
          escalationDelayInMinutes: r.delayMinutes,
          targets: r.targets.map((t) =>
            t === "schedule" ? { type: "schedule_reference", id: schedule.id } : { type: "user_reference", id: user(t) },
          ),
        })),
      },
      child,
    );
    const service = new pagerduty.Service(
      `${name}-service`,
      {
        name: c.service.name,
        escalationPolicy: policy.id,
        acknowledgementTimeout: String(c.service.acknowledgementTimeoutSeconds),
        // Never: an incident closes when Alertmanager resolves it, or by hand. A timer would resolve an
        // outage that outlasts it while the API is still down, and Alertmanager's next repeat of the
        // still-firing alerts would then open a second incident, a second page for the same outage.
        autoResolveTimeout: AUTO_RESOLVE_NEVER,
        // Events API v2 integrations only open incidents on services that create alerts.
        alertCreation: "create_alerts_and_incidents",
        incidentUrgencyRule: { type: "constant", urgency: c.service.urgency },
      },
      child,
    );
    const integration = new pagerduty.ServiceIntegration(
      `${name}-alertmanager`,
      { name: "Alertmanager (Events API v2)", service: service.id, type: "events_api_v2_inbound_integration" },
      { ...child, additionalSecretOutputs: ["integrationKey"] },
    );
    // The uptime check's alert policy notifies through Cloud Monitoring's `pagerduty` channel, whose
    // `service_key` is the key of PagerDuty's own integration for Cloud Monitoring, not an Events API v2
    // key the channel's format may not suit. The vendor is looked up by name in PagerDuty's catalogue
    // (terraform-provider-pagerduty pagerduty/data_source_pagerduty_vendor.go: an exact, then a partial
    // match, else "Unable to locate any vendor"), so a renamed vendor stops the preview rather than
    // leaving the uptime check unable to page.
    const cloudMonitoring = pagerduty.getVendorOutput({ name: CLOUD_MONITORING_VENDOR }, child);
    const uptimeIntegration = new pagerduty.ServiceIntegration(
      `${name}-cloud-monitoring`,
      { name: "Cloud Monitoring uptime check", service: service.id, vendor: cloudMonitoring.id },
      { ...child, additionalSecretOutputs: ["integrationKey"] },
    );

    this.serviceId = service.id;
    this.escalationPolicyId = policy.id;
    this.integrationKey = pulumi.secret(integration.integrationKey);
    this.cloudMonitoringIntegrationKey = pulumi.secret(uptimeIntegration.integrationKey);
    this.registerOutputs({ serviceId: this.serviceId, escalationPolicyId: this.escalationPolicyId });
  }
}
