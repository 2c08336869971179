// Always firing. Alertmanager forwards it to a heartbeat service that pages when it stops arriving,
// which is the only way a dead Prometheus or Alertmanager can be noticed.
import type { StackConfig } from "../config";
import { alert } from "./build";
import type { RuleGroup } from "./types";

export function watchdogRules(c: StackConfig): RuleGroup {
  return {
    name: "license-api.meta",
    interval: c.prometheus.evaluationInterval,
    rules: [
      alert(c, "Watchdog", "vector(1)", {
        severity: "none",
        summary: "The alerting pipeline is alive",
        description: "Always firing. If the heartbeat receiver stops getting this alert, Prometheus or Alertmanager is down.",
        runbook: "watchdog",
      }),
    ],
  };
}
