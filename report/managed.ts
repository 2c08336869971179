// The alerts of the rule groups a stack places in Managed Service for Prometheus' rule evaluator
// (alerts.perLicense.evaluator: managed). The evaluator writes its ALERTS series to Monarch only, never
// to the cluster's Prometheus nor to the store it remote-writes to, so the report reads those alerts
// from Monarch's query API (--managed-prometheus), by the labels the evaluator gives them, and every
// other alert from the cluster's sources as before.
import type { StackConfig } from "../config";
import { equalityMatchers } from "../lib/managed-scope";
import { managedEvaluatorLabels } from "../render/managed-prometheus";
import { externalLabels } from "../render/prometheus-config";
import { isAlert, managedRuleGroups } from "../rules";
import { EXIT, ReportError } from "./errors";

/** The alerts the managed evaluator raises: those of the groups placed there (none unless the stack places any). */
export const managedAlertNames = (c: StackConfig): string[] => managedRuleGroups(c).flatMap((g) => g.rules.filter(isAlert).map((r) => r.alert));

/** Managed Service for Prometheus' query API of the stack's project: the one the evaluator itself queries. */
export const managedQueryApi = (c: StackConfig) => `https://monitoring.googleapis.com/v1/projects/${c.gcp.project}/location/global/prometheus`;

/**
 * The evaluator's record is a source of the report exactly when the stack places groups there. Without
 * it, the report of such a stack would count none of their alerts: a wrong figure, not a missing one.
 * Given for a stack that places none, it would be read for nothing, and whoever gave it expected
 * otherwise: both are refused before any query.
 */
export function checkManagedSource(c: StackConfig, stack: string, url: string | undefined): void {
  const groups = managedRuleGroups(c).map((g) => g.name);
  if (groups.length && !url) {
    throw new ReportError(
      `the ${stack} stack evaluates the rule groups ${groups.join(", ")} (alerts ${managedAlertNames(c).join(", ")}) in Managed Service for Prometheus' rule evaluator ` +
        `(alerts.perLicense.evaluator: managed), whose alerts are in Monarch only: give its query API with --managed-prometheus ${managedQueryApi(c)} ` +
        `(or MANAGED_PROMETHEUS_URL), and an access token in MANAGED_PROMETHEUS_BEARER_TOKEN (gcloud auth print-access-token)`,
      EXIT.usage,
    );
  }
  if (!groups.length && url) {
    throw new ReportError(
      `--managed-prometheus (or MANAGED_PROMETHEUS_URL) is ${url}, but the ${stack} stack evaluates every rule group in its cluster's Prometheus ` +
        `(alerts.perLicense.evaluator: prometheus): all its alerts are in the --prometheus sources, none in Managed Service for Prometheus. Leave it out`,
      EXIT.usage,
    );
  }
}

/** The matchers of the evaluator's alerts of this stack: the labels it gives every alert of its Rules object. */
export const managedAlertMatchers = (c: StackConfig) => equalityMatchers(managedEvaluatorLabels(c));

/**
 * An alert of the managed evaluator as the report compares it with the cluster's Prometheus' alerts.
 * Alertmanager gets both with the stack's external labels (`cluster`, `environment`: the cluster's
 * Prometheus adds them, the evaluator sets `cluster` itself and has `environment` from the
 * OperatorConfig, with the same values), groups pages by `cluster` and holds an alert back while an
 * outage fires only if their `cluster` and `service` are equal. The cluster's ALERTS carry those labels
 * only in a store that remote write fed, not in a Prometheus' own query API: read from one, an
 * evaluator's alert that kept `cluster` would look like another cluster's, never inhibited by the
 * outage nor part of its incident. So they stay only where the cluster's alerts have them too.
 * `project_id`, `location` and `namespace` stay: Alertmanager has them as well, so a silence may match
 * them, and nothing routes, groups or inhibits the stack's own alerts by them (`namespace` routes only
 * the chart's alerts; every rule of the stack carries the owner label that keeps its alerts off that route).
 */
export function likeClusterAlerts(c: StackConfig, metric: Record<string, string>, clusterAlertsHaveExternalLabels: boolean): Record<string, string> {
  if (clusterAlertsHaveExternalLabels) return metric;
  const external = Object.keys(externalLabels(c));
  return Object.fromEntries(Object.entries(metric).filter(([k]) => !external.includes(k)));
}
