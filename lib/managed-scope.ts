// Where the series recorded by the groups alerts.perLicense.evaluator places are stored, and how to pick
// this stack's out of that store. Shared by the renderer of the managed evaluator's objects and by the
// dashboards, which must read those series where they are recorded.
import type { StackConfig } from "../config";
import { SEAT_AGGREGATES, SEAT_FORECAST } from "./identities";

/** The labels the managed rule evaluator adds to each rule result and alert of a namespaced Rules object. */
export const MANAGED_SCOPE_LABELS = ["project_id", "location", "cluster", "namespace"] as const;

/**
 * Their values for this stack's Rules object in `namespace` (the seat groups' by default). The labels Managed Service for Prometheus' rule evaluator scopes a namespaced Rules object with: it
 * adds each as a matcher to every selector and as a label to every rule result (prometheus-engine
 * v0.17.2, pkg/operator/apis/monitoring/v1/rules_config.go, `RuleGroupsConfig` and `scope`). The
 * Rules object lives in the license API's namespace (render/managed-prometheus.ts, seatRules), and
 * the GKE cluster fills in the rest, so these four pick this stack's recorded series out of Monarch,
 * whatever else the project's other clusters and environments write there.
 */
export function managedScope(c: StackConfig, namespace: string = c.namespaces.licenseApi): Record<(typeof MANAGED_SCOPE_LABELS)[number], string> {
  return { project_id: c.gcp.project, location: c.cluster.location, cluster: c.cluster.name, namespace };
}

/** Equality matchers, `label="value"`, one per label. */
export const equalityMatchers = (labels: Record<string, string>): string[] => Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);

/** `name{project_id="…", location="…", cluster="…", namespace="…"}`: a recorded series in Monarch, this stack's only. */
export function inManagedScope(c: StackConfig, name: string): string {
  return `${name}{${equalityMatchers(managedScope(c)).join(", ")}}`;
}

/**
 * The aggregates the per-license and seat forecast groups record (rules/per-license.ts,
 * rules/seat-forecast.ts): stored wherever alerts.perLicense.evaluator runs those groups. The worst
 * license's denial rate is not one: its group reads the API's replicas and stays in the cluster.
 */
export const PLACED_AGGREGATES: readonly string[] = [
  SEAT_AGGREGATES.sessionsTotal,
  SEAT_AGGREGATES.sessionsBusiest,
  SEAT_AGGREGATES.utilisationFullest,
  SEAT_AGGREGATES.utilisationMedian,
  SEAT_AGGREGATES.nearLimit,
  SEAT_FORECAST.fullest,
  SEAT_FORECAST.atLimit,
];

/** Whether `name` is recorded in Monarch by the managed rule evaluator for this stack. */
export const recordedInMonarch = (c: StackConfig, name: string) => c.alerts.perLicense.evaluator === "managed" && PLACED_AGGREGATES.includes(name);
