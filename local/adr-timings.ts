// The ADR's own outage path, as written in ADR-019: 15 s scrapes, 60 s rule evaluation,
// `up{job="license-api"} == 0` for 1m, and Alertmanager's group_wait of 30 s. The benchmark runs it
// beside this stack's timings to show what the corrections buy.
import type { StackConfig } from "../config";
import { OWNER_LABEL } from "../lib/identities";
import type { RuleGroup } from "../rules";

export function adrTimings(c: StackConfig): { config: StackConfig; rules: RuleGroup[] } {
  return {
    config: {
      ...c,
      licenseApi: { ...c.licenseApi, scrapeInterval: "15s", scrapeTimeout: "10s" },
      prometheus: { ...c.prometheus, scrapeInterval: "15s", evaluationInterval: "60s" },
      alertmanager: { ...c.alertmanager, critical: { groupWait: "30s", groupInterval: "5m", repeatInterval: "12h" } },
    },
    rules: [
      {
        name: "infrastructure",
        interval: "60s",
        rules: [
          {
            alert: "APIServerDown",
            expr: `up{job="${c.licenseApi.job}"} == 0`,
            for: "1m",
            // The ADR's severity, plus the labels this stack's routing sends to PagerDuty by: without
            // the owner label the alert counts as the chart's and goes to the platform's Slack channel.
            labels: { severity: "critical", service: c.licenseApi.service, ...OWNER_LABEL },
            annotations: { summary: "License API server is down", description: "{{ $labels.instance }} has been down for 1 minute", runbook_url: "" },
          },
        ],
      },
    ],
  };
}
