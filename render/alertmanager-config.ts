// Alertmanager's routing as a pure function of the stack config. Secrets come in as arguments: the
// component passes the real ones inside a Pulumi secret, the render command passes placeholders,
// the local stack passes its stand-in receivers' URLs.
import type { SlackWebhookSecret, StackConfig } from "../config";
import { chartAlertsDecided } from "./chart-alerts";
import { INHIBITORS, OWNER_LABEL } from "../lib/identities";

/** The Slack incoming webhooks come in by their secrets' names (config.ts, SLACK_WEBHOOK_SECRETS). */
export interface ReceiverSecrets extends Record<SlackWebhookSecret, string> {
  pagerdutyRoutingKey: string;
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
 * The Slack receivers, each posting through a webhook of its own: a Slack app's incoming webhook posts
 * to the channel it was created for and ignores a message's `channel`, so one webhook with `channel`
 * overrides would post tickets and platform warnings among the alerts.
 */
export const SLACK_RECEIVERS = {
  [RECEIVERS.slack]: "slackAlertsWebhookUrl",
  [RECEIVERS.tickets]: "slackTicketsWebhookUrl",
  [RECEIVERS.platform]: "slackPlatformWebhookUrl",
} as const satisfies Record<string, SlackWebhookSecret>;

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

/**
 * The labels one PagerDuty incident of the license API is grouped by: every paging alert of the
 * service is one Alertmanager group, so one `dedup_key`, so one open PagerDuty incident that later
 * alerts of the same trouble (an error burst's HighErrorRate and its ErrorBudgetBurn, Redis failing and
 * the errors it causes) join without paging again. Once the group has resolved, the next alert opens
 * a new incident (PagerDuty Events API v2: a trigger whose dedup_key has no open alert opens one).
 */
export const PAGE_GROUP_BY = ["cluster", "service"];

/** The PagerDuty summary (the incident's title, from the trigger that opens it): the first alert, and how many fire. */
const pagerdutyDescription =
  "{{ with .Alerts.Firing }}{{ (index . 0).Labels.alertname }}: {{ (index . 0).Annotations.summary }}{{ if gt (len .) 1 }} ({{ len . }} alerts){{ end }}" +
  "{{ else }}{{ (index .Alerts 0).Labels.alertname }}: {{ (index .Alerts 0).Annotations.summary }}{{ end }}";

const title = '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.environment }})';
const details = "{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}{{ if .Annotations.dashboard }}\nDashboard: {{ .Annotations.dashboard }}{{ end }}\n{{ end }}";

/**
 * How often the heartbeat service is told to expect the Watchdog (docs/bootstrap.md). Since
 * Alertmanager 0.32 a repeat is due when the last notification is older than `repeat_interval` at
 * the group's flush tick (notify/dedup_stage.go, needsUpdate, with the dispatcher's tick time): with
 * `group_interval` equal to `repeat_interval`, the log entry written just after one tick is never old
 * enough at the next, and the ping comes every second interval. Ticks every half period, and a repeat
 * interval a little short of the period, send on every second tick, one period apart, whichever
 * replica sends (the others find the entry in the gossiped notification log).
 */
export const HEARTBEAT_PERIOD_SECONDS = 60;
/**
 * The grace docs/bootstrap.md sets the heartbeat check up with: it pages once a ping is this much
 * later than the period. Pings come one period apart, from whichever Alertmanager replica is first.
 */
export const HEARTBEAT_GRACE_SECONDS = 120;
const heartbeatTiming = {
  group_wait: "0s",
  group_interval: `${HEARTBEAT_PERIOD_SECONDS / 2}s`,
  repeat_interval: `${HEARTBEAT_PERIOD_SECONDS - 10}s`,
};

/** Between an alert's name and its summary in the PagerDuty details' lines. */
export const DETAILS_SEPARATOR = " — ";
/** The PagerDuty details' text for an empty list of alerts. */
export const DETAILS_NONE = "none";

/**
 * One line per alert of the list: its name, summary, runbook and dashboard. Alertmanager 0.30 and
 * later parse every rendered detail as YAML and send what that yields unless it is a string
 * (template/template.go, DeepCopyWithTemplate): a summary such as "License API is down: customers…"
 * would arrive as a map, several alerts as a map losing all but one to the repeated keys, an empty
 * list as null. So each line starts with the alert's name, the space after every colon of a summary
 * becomes a no-break space (which YAML does not take for the space of a key), and an empty
 * list says so. Every line then reads as plain text, and as one YAML string, in any version.
 */
const alertLines = (list: string) =>
  `{{ range ${list} }}{{ .Labels.alertname }}${DETAILS_SEPARATOR}{{ reReplaceAll \`:(\\s|$)\` ":\u00a0" .Annotations.summary }} · runbook {{ .Annotations.runbook_url }}{{ if .Annotations.dashboard }} · dashboard {{ .Annotations.dashboard }}{{ end }}\n{{ else }}${DETAILS_NONE}{{ end }}`;

export function alertmanagerConfig(c: StackConfig, secrets: ReceiverSecrets, endpoints: ReceiverEndpoints = {}) {
  const timing = (t: StackConfig["alertmanager"]["critical"]) => ({
    group_wait: t.groupWait,
    group_interval: t.groupInterval,
    repeat_interval: t.repeatInterval,
  });
  const slack = (receiver: keyof typeof SLACK_RECEIVERS) => ({
    api_url: secrets[SLACK_RECEIVERS[receiver]],
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
          ...heartbeatTiming,
        },
        // Inhibition sources only.
        { receiver: RECEIVERS.none, matchers: [`alertname=~"${Object.values(INHIBITORS).join("|")}"`] },
        foreignAlertRoute(c, timing),
        { receiver: RECEIVERS.pagerduty, matchers: ['severity="critical"'], group_by: PAGE_GROUP_BY, ...timing(c.alertmanager.critical) },
        { receiver: RECEIVERS.tickets, matchers: ['severity="ticket"'], ...timing(c.alertmanager.ticket) },
        { receiver: RECEIVERS.slack, matchers: ['severity="warning"'], ...timing(c.alertmanager.warning) },
      ],
    },
    // Each source is one alert of its own (lib/identities.ts, INHIBITORS), never one of several alerts
    // sharing the `equal` labels.
    inhibit_rules: [
      // A paging burn silences the burn's tickets, not other problems: a burnt error budget must not
      // hide seats running out. (ErrorBudgetBurn is the only alert with both a paging and a lesser
      // severity; rules/tests check that it stays so.)
      {
        source_matchers: [`alertname="${INHIBITORS.budgetPage}"`],
        target_matchers: ['alertname="ErrorBudgetBurn"', 'severity=~"warning|ticket"'],
        equal: ["cluster", "service"],
      },
      // While the API is down, everything else of its service is a consequence of it.
      {
        source_matchers: [`alertname="${INHIBITORS.outage}"`],
        target_matchers: ['alertname!="APIServerDown"', 'severity=~"critical|warning|ticket"'],
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
            description: pagerdutyDescription,
            // Every key Alertmanager would otherwise add with its defaults (whose JSON it re-parses into
            // nested maps); the counts arrive as numbers.
            details: {
              firing: alertLines(".Alerts.Firing"),
              resolved: alertLines(".Alerts.Resolved"),
              num_firing: "{{ .Alerts.Firing | len }}",
              num_resolved: "{{ .Alerts.Resolved | len }}",
            },
            links: [
              { href: '{{ (index .Alerts 0).Annotations.runbook_url }}', text: "Runbook" },
              { href: '{{ (index .Alerts 0).Annotations.dashboard }}', text: "Dashboard" },
            ],
          },
        ],
      },
      { name: RECEIVERS.slack, slack_configs: [slack(RECEIVERS.slack)] },
      { name: RECEIVERS.tickets, slack_configs: [slack(RECEIVERS.tickets)] },
      { name: RECEIVERS.platform, slack_configs: [slack(RECEIVERS.platform)] },
      ...(secrets.heartbeatUrl ? [{ name: RECEIVERS.heartbeat, webhook_configs: [{ url: secrets.heartbeatUrl, send_resolved: false }] }] : []),
      // Drops what it receives: the chart's info alerts, and the Watchdog when there is no heartbeat URL.
      { name: RECEIVERS.none },
    ],
  };
}
