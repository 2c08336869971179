// Firing while the cluster's alerting can page. Alertmanager forwards it to a heartbeat service that
// pages when it stops arriving: the only way a dead Prometheus or Alertmanager can be noticed, and,
// since it is withheld while Alertmanager fails to reach PagerDuty, the way a cluster whose containers
// all run but whose pages go nowhere (egress or DNS broken, a revoked integration key) is noticed too.
import type { StackConfig } from "../config";
import { ALERTMANAGER_JOB } from "../lib/identities";
import { alert } from "./build";
import type { RuleGroup } from "./types";

/**
 * How far back a failed request to PagerDuty withholds the Watchdog, unless one succeeded since: a
 * page Alertmanager retries keeps failing at every flush, so the Watchdog stays away while it does.
 */
export const PAGERDUTY_FAILURE_WINDOW = "2m";

/** Alertmanager's requests to PagerDuty in the window: all of them, or the failed ones. */
const requests = (which: "total" | "failed_total") =>
  `sum(increase(alertmanager_notification_requests_${which}{job="${ALERTMANAGER_JOB}", integration="pagerduty"}[${PAGERDUTY_FAILURE_WINDOW}]))`;

export function watchdogRules(c: StackConfig): RuleGroup {
  return {
    name: "license-api.meta",
    interval: c.prometheus.evaluationInterval,
    rules: [
      alert(c, "Watchdog", `vector(1) unless on () (${requests("failed_total")} > 0 unless on () ${requests("total")} - ${requests("failed_total")} > 0)`, {
        severity: "none",
        summary: "The alerting pipeline is alive",
        description: `Fires while Prometheus evaluates and Alertmanager reaches PagerDuty (no request to PagerDuty failed in the last ${PAGERDUTY_FAILURE_WINDOW} without one succeeding). If the heartbeat receiver stops getting this alert, Prometheus or Alertmanager is down, or Alertmanager cannot page.`,
        runbook: "watchdog",
      }),
    ],
  };
}
