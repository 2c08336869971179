// The GCP Uptime Check on the license API's public health URL and the alert condition on it: pure
// functions of the stack config, wrapped in resources by components/uptime.ts.
import type { StackConfig } from "../config";
import { seconds } from "../lib/duration";

/** The alert fires when at least this many checker regions fail at once (one flaky region never pages). */
export const MIN_FAILING_REGIONS = 2;
export const RUNBOOK_ANCHOR = "uptimecheckfailed";

export interface UptimeCheckSpec {
  displayName: string;
  host: string;
  path: string;
  port: number;
  period: string;
  /** Seconds, as the API wants them ("10s"). */
  timeout: string;
  regions: string[];
  content: string;
}

export function uptimeCheckSpec(c: StackConfig): UptimeCheckSpec {
  const url = new URL(c.licenseApi.publicUrl);
  return {
    displayName: `License API health (${c.environment})`,
    host: url.hostname,
    path: c.uptime.path,
    port: url.port ? Number(url.port) : 443,
    period: c.uptime.period,
    timeout: `${seconds(c.uptime.timeout)}s`,
    regions: [...c.uptime.regions],
    content: c.uptime.contentMatcher,
  };
}

/**
 * A container counts as running while GKE's system metric of its uptime (kubernetes.io/container/uptime,
 * sampled every 60 s for every container) has a sample this recent.
 */
export const RUNNING_WITHIN = "2m";
/** How often Cloud Monitoring evaluates the condition's query. */
export const EVALUATION_INTERVAL = "30s";
/** The in-cluster containers without which nothing in the cluster can page. */
export const ALERTING_CONTAINERS = ["prometheus", "alertmanager"] as const;

/**
 * The uptime check pages only when the cluster's own alerting cannot: at least MIN_FAILING_REGIONS
 * regions' latest checks fail, and no Prometheus or no Alertmanager container of the cluster has run
 * within RUNNING_WITHIN (both replicas stopped, every Alertmanager gone, the cluster's nodes or the
 * cluster itself unreachable). While they run, the in-cluster probe of the same public URL
 * (APIServerDown, signal "public") has paged the same outage into the incident every signal of it
 * joins; a second incident from here, with its own key (PagerDuty deduplicates per integration), would
 * page the on-call again for it. The query is Cloud Monitoring's PromQL over its own metrics: the
 * uptime check's `check_passed` (1 or 0, per checker region) and GKE's container uptime.
 */
export function uptimeAlertQuery(c: StackConfig, checkId: string): string {
  const running = (container: string) =>
    `count(last_over_time(kubernetes_io:container_uptime{monitored_resource="k8s_container", project_id="${c.gcp.project}", cluster_name="${c.cluster.name}", namespace_name="${c.namespaces.monitoring}", container_name="${container}"}[${RUNNING_WITHIN}])) > 0`;
  return [
    `count(monitoring_googleapis_com:uptime_check_check_passed{monitored_resource="uptime_url", check_id=${JSON.stringify(checkId)}} == 0) >= ${MIN_FAILING_REGIONS}`,
    `unless on () (${ALERTING_CONTAINERS.map(running).join(" and on () ")})`,
  ].join(" ");
}

/** Fires once the query has held for one check period, evaluated every EVALUATION_INTERVAL. */
export function uptimeAlertCondition<Q>(query: Q, c: StackConfig) {
  return {
    displayName: `Uptime check failing from ${MIN_FAILING_REGIONS}+ regions while the cluster cannot page`,
    conditionPrometheusQueryLanguage: { query, duration: c.uptime.period, evaluationInterval: EVALUATION_INTERVAL },
  };
}

export function runbookUrl(c: StackConfig): string {
  return `${c.alerts.runbookBaseUrl}#${RUNBOOK_ANCHOR}`;
}

export function uptimeAlertDocumentation(c: StackConfig) {
  const spec = uptimeCheckSpec(c);
  return {
    mimeType: "text/markdown",
    subject: `[${c.environment}] License API unreachable from outside (UptimeCheckFailed)`,
    content: [
      `## UptimeCheckFailed (${c.environment})`,
      "",
      `\`https://${spec.host}${spec.path}\` failed its Cloud Monitoring uptime check from at least ${MIN_FAILING_REGIONS} regions, and no Prometheus or no Alertmanager of cluster \`${c.cluster.name}\` has run for ${RUNNING_WITHIN}: the cluster cannot page for itself.`,
      "The whole cluster may be down or unreachable, or its monitoring with it.",
      "",
      `Runbook: [UptimeCheckFailed](${runbookUrl(c)})`,
    ].join("\n"),
    links: [{ displayName: "Runbook: UptimeCheckFailed", url: runbookUrl(c) }],
  };
}
