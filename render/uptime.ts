// The GCP Uptime Check on the license API's public health URL and the alert condition on it: pure
// functions of the stack config, wrapped in resources by components/uptime.ts.
import type { GCP_UPTIME_REGIONS, StackConfig } from "../config";
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
 * The checker locations of each selectable region, as the uptime check's metric labels them
 * (checker_location). A region is one place on the map: the USA region checks from three locations,
 * and the three USA_* regions are those locations one by one.
 */
export const CHECKER_LOCATIONS: Record<(typeof GCP_UPTIME_REGIONS)[number], readonly string[]> = {
  USA: ["usa-oregon", "usa-iowa", "usa-virginia"],
  USA_OREGON: ["usa-oregon"],
  USA_IOWA: ["usa-iowa"],
  USA_VIRGINIA: ["usa-virginia"],
  EUROPE: ["eur-belgium"],
  ASIA_PACIFIC: ["apac-singapore"],
  SOUTH_AMERICA: ["sa-brazil-sao_paulo"],
};

/** The part of a checker location that names its region on the map (usa, eur, apac, sa). */
export const regionOfLocation = (location: string) => location.split("-")[0];

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
 * How far back the condition looks for the start of an outage and for a moment the cluster could not
 * page: an outage that has lasted longer, during which the cluster has paged throughout this long,
 * is the cluster's to carry.
 */
export const OUTAGE_LOOKBACK = "6h";

/**
 * The uptime check pages only when the cluster's own alerting could not page the outage: at least
 * MIN_FAILING_REGIONS regions fail (a region fails when every one of its checker locations' latest
 * checks failed, so one flaky location or one flaky region never pages), and at some moment since
 * the regions last passed no Prometheus or no Alertmanager container of the cluster had run within
 * RUNNING_WITHIN (both replicas stopped, every Alertmanager gone, the cluster's nodes or the cluster
 * itself unreachable). Once it fires it holds until the regions pass again, whether or not the
 * cluster's monitoring comes back meanwhile: the outage it pages is not over while they fail. While
 * the cluster could page throughout, the in-cluster probe of the same public URL (APIServerDown,
 * signal "public") has paged the outage into the incident every signal of it joins; a second incident
 * from here, with its own key (PagerDuty deduplicates per integration), would page the on-call again
 * for it. The query is Cloud Monitoring's PromQL over its own metrics: the uptime check's
 * `check_passed` (1 or 0, per checker location) and GKE's container uptime.
 */
export function uptimeAlertQuery(c: StackConfig, checkId: string): string {
  const step = `[${OUTAGE_LOOKBACK}:${EVALUATION_INTERVAL}]`;
  const failingRegions = `count(max by (region) (label_replace(monitoring_googleapis_com:uptime_check_check_passed{monitored_resource="uptime_url", check_id=${JSON.stringify(checkId)}}, "region", "$1", "checker_location", "([a-z]+)-.*")) == 0)`;
  const running = (container: string) =>
    `count(last_over_time(kubernetes_io:container_uptime{monitored_resource="k8s_container", project_id="${c.gcp.project}", cluster_name="${c.cluster.name}", namespace_name="${c.namespaces.monitoring}", container_name="${container}"}[${RUNNING_WITHIN}])) > 0`;
  const canPage = ALERTING_CONTAINERS.map(running).join(" and on () ");
  // The last evaluation at which fewer regions failed (the outage began after it), and the last one at
  // which the cluster could not page; 0 where there was none within the lookback.
  const lastPassing = `max_over_time((((${failingRegions} or vector(0)) < bool ${MIN_FAILING_REGIONS}) * time())${step}) or vector(0)`;
  const lastBlind = `max_over_time(((vector(1) unless on () (${canPage})) * time())${step}) or vector(0)`;
  return `${failingRegions} >= ${MIN_FAILING_REGIONS} and on () ((${lastBlind}) > on () (${lastPassing}))`;
}

/** Fires once the query has held for one check period, evaluated every EVALUATION_INTERVAL. */
export function uptimeAlertCondition<Q>(query: Q, c: StackConfig) {
  return {
    displayName: `Uptime check failing from ${MIN_FAILING_REGIONS}+ regions in an outage the cluster could not page`,
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
      `\`https://${spec.host}${spec.path}\` fails its Cloud Monitoring uptime check from at least ${MIN_FAILING_REGIONS} regions, and during this outage no Prometheus or no Alertmanager of cluster \`${c.cluster.name}\` ran for ${RUNNING_WITHIN}: the cluster's monitoring is gone, or was for a while, and cannot be trusted to page or to resolve this outage.`,
      "The whole cluster may be down or unreachable, or its monitoring with it. This incident stays open until the regions pass again, whether or not the cluster's monitoring comes back meanwhile.",
      "",
      `The cluster's own page for the same outage, if it sent one before it went blind, is the other open incident of this service (APIServerDown, from Alertmanager): ${c.alerts.outage.backstop === "managed" ? "with the Alertmanagers still running, the outage backstop of the managed rule evaluator keeps it open while the API is down" : "with the Alertmanagers still running, Alertmanager resolves it once Prometheus is gone for about four minutes, while the API may still be down"}; one the cluster opens when its monitoring comes back while the API is still down is this same outage, seen again from inside.`,
      "",
      `Runbook: [UptimeCheckFailed](${runbookUrl(c)})`,
    ].join("\n"),
    links: [{ displayName: "Runbook: UptimeCheckFailed", url: runbookUrl(c) }],
  };
}
