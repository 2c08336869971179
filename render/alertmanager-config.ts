// Alertmanager's routing as a pure function of the stack config. Secrets come in as arguments: the
// component passes the real ones inside a Pulumi secret, the render command passes placeholders,
// the local stack passes its stand-in receivers' URLs.
import type { StackConfig } from "../config";
import { chartAlertsDecided } from "./chart-alerts";
import { OWNER_LABEL } from "../lib/identities";

export interface ReceiverSecrets {
  pagerdutyRoutingKey: string;
  slackWebhookUrl: string;
  /** Dead man's switch URL; without one the Watchdog goes to a receiver that drops it. */
  heartbeatUrl?: string;
}

export interface ReceiverEndpoints {
  /** Events API v2 endpoint; only the local stack overrides it. */
  pagerdutyUrl?: string;
}

export const RECEIVERS = {
  pagerduty: "pagerduty",
  slack: "slack",
  tickets: "slack-tickets",
  platform: "slack-platform",
  heartbeat: "heartbeat",
  none: "null",
} as const;

/**
 * Every alert not of this stack's own rules (those carry OWNER_LABEL): kube-prometheus-stack's. The few
 * decided "page" in render/chart-alerts.ts page the license API's on-call; those about the license
 * API's own namespace go to its channel; info is dropped; everything else goes to the platform channel.
 */
interface RouteTiming {
  group_wait: string;
  group_interval: string;
  repeat_interval: string;
}

function foreignAlertRoute(c: StackConfig, timing: (t: StackConfig["alertmanager"]["critical"]) => RouteTiming) {
  const [label, value] = Object.entries(OWNER_LABEL)[0];
  return {
    receiver: RECEIVERS.platform,
    matchers: [`${label}!="${value}"`],
    ...timing(c.alertmanager.warning),
    routes: [
      { receiver: RECEIVERS.pagerduty, matchers: [`alertname=~"${chartAlertsDecided("page").join("|")}"`], ...timing(c.alertmanager.critical) },
      { receiver: RECEIVERS.slack, matchers: [`namespace="${c.namespaces.licenseApi}"`, 'severity=~"critical|warning"'] },
      { receiver: RECEIVERS.none, matchers: ['severity=~"info|none"'] },
    ],
  };
}

/** Alerts that are consequences of the API being down, silenced while APIServerDown fires. */
const OUTAGE = "APIServerDown";

const title = '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.environment }})';
const details = "{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}{{ if .Annotations.dashboard }}\nDashboard: {{ .Annotations.dashboard }}{{ end }}\n{{ end }}";

export function alertmanagerConfig(c: StackConfig, secrets: ReceiverSecrets, endpoints: ReceiverEndpoints = {}) {
  const timing = (t: StackConfig["alertmanager"]["critical"]) => ({
    group_wait: t.groupWait,
    group_interval: t.groupInterval,
    repeat_interval: t.repeatInterval,
  });
  const slack = (channel: string) => ({
    api_url: secrets.slackWebhookUrl,
    channel,
    send_resolved: true,
    title,
    title_link: '{{ (index .Alerts 0).Annotations.dashboard }}',
    text: details,
  });
  return {
    global: { resolve_timeout: c.alertmanager.resolveTimeout },
    route: {
      receiver: RECEIVERS.slack,
      group_by: ["alertname", "cluster", "service"],
      ...timing(c.alertmanager.warning),
      routes: [
        {
          receiver: secrets.heartbeatUrl ? RECEIVERS.heartbeat : RECEIVERS.none,
          matchers: ['alertname="Watchdog"'],
          group_wait: "0s",
          group_interval: "1m",
          repeat_interval: "1m",
        },
        foreignAlertRoute(c, timing),
        { receiver: RECEIVERS.pagerduty, matchers: ['severity="critical"'], ...timing(c.alertmanager.critical) },
        { receiver: RECEIVERS.tickets, matchers: ['severity="ticket"'], ...timing(c.alertmanager.ticket) },
        { receiver: RECEIVERS.slack, matchers: ['severity="warning"'], ...timing(c.alertmanager.warning) },
      ],
    },
    inhibit_rules: [
      // A page silences the lesser notifications of the same alert (the fast burn its slow-burn ticket),
      // not other problems: a burnt error budget must not hide seats running out.
      { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|ticket"'], equal: ["alertname", "cluster", "service"] },
      {
        source_matchers: [`alertname="${OUTAGE}"`],
        target_matchers: [`alertname!="${OUTAGE}"`, 'severity=~"critical|warning|ticket"'],
        equal: ["cluster", "service"],
      },
    ],
    receivers: [
      {
        name: RECEIVERS.pagerduty,
        pagerduty_configs: [
          {
            routing_key: secrets.pagerdutyRoutingKey,
            ...(endpoints.pagerdutyUrl ? { url: endpoints.pagerdutyUrl } : {}),
            send_resolved: true,
            severity: "critical",
            client: "CODITECT Alertmanager ({{ .CommonLabels.environment }})",
            description: '{{ .CommonLabels.alertname }}: {{ .CommonAnnotations.summary }}',
            details: {
              firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
              resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
              num_firing: "{{ .Alerts.Firing | len }}",
              runbook: '{{ (index .Alerts 0).Annotations.runbook_url }}',
              dashboard: '{{ (index .Alerts 0).Annotations.dashboard }}',
            },
            links: [
              { href: '{{ (index .Alerts 0).Annotations.runbook_url }}', text: "Runbook" },
              { href: '{{ (index .Alerts 0).Annotations.dashboard }}', text: "Dashboard" },
            ],
          },
        ],
      },
      { name: RECEIVERS.slack, slack_configs: [slack(c.slack.channel)] },
      { name: RECEIVERS.tickets, slack_configs: [slack(c.slack.ticketChannel)] },
      { name: RECEIVERS.platform, slack_configs: [slack(c.slack.platformChannel)] },
      ...(secrets.heartbeatUrl ? [{ name: RECEIVERS.heartbeat, webhook_configs: [{ url: secrets.heartbeatUrl, send_resolved: false }] }] : []),
      // Drops what it receives: the chart's info alerts, and the Watchdog when there is no heartbeat URL.
      { name: RECEIVERS.none },
    ],
  };
}
