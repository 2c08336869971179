// The identities the rules, the dashboards, the renderers and the components share: which series are
// the license API's, the names of the recorded series and the SLO, the dashboard and panel ids alerts
// link to, the health URL probed and the label that marks this stack's alerts. Like a monitoring
// mixin's one `_config`, it sits below all of them, so every import points down (docs/development.md).
import type { StackConfig } from "../config";

/**
 * Carried by every alert of this stack's own rules and by no other: Alertmanager tells them apart from
 * kube-prometheus-stack's alerts by it (render/chart-alerts.ts decides what happens to those).
 */
export const OWNER_LABEL = { team: "license-api" } as const;

/** Label matchers that pick the license API's own series out of everything Prometheus scrapes. */
export function selectors(c: StackConfig) {
  return {
    /** Series the API exports on /metrics. */
    api: `job="${c.licenseApi.job}"`,
    /** Each license's seat gauges, from their one source (docs/metrics.md, "The seats exporter"). */
    seats: `job="${seatsJob(c)}"`,
    /** cAdvisor and kube-state-metrics series of the API's containers. */
    container: `namespace="${c.namespaces.licenseApi}", container="${c.licenseApi.container}"`,
    /** Black-box probes of the API's health endpoint. */
    probe: `job="${probeJob(c)}"`,
  };
}

/**
 * The labels that identify a license on the per-license series (sessions, seat limits, denials). The
 * metric contract keys them by the non-secret `license_id`; an API still labelling them as ADR-019
 * does carries `license_key` instead. Aggregating by both keeps one series per license under either
 * scheme (the missing label is empty), so the rules work throughout a migration.
 */
export const PER_LICENSE = "license_id, license_key, tenant_id";
/** A license as alerts name it, under either scheme: one of the two labels is empty. */
export const LICENSE_IN_TEMPLATE = "{{ $labels.license_id }}{{ $labels.license_key }}";

/**
 * What the capacity dashboard draws of the seat forecast by default (rules/seat-forecast.ts). A
 * license's own forecast is computed where it is read, never recorded.
 */
export const SEAT_FORECAST = {
  /** The highest share of its seats any license uses at the end of the horizon. */
  fullest: "license_seats:seat_utilisation_forecast:max",
  /** How many licenses are forecast to reach their limit within the horizon. */
  atLimit: "license_seats:seat_limit_forecast:count",
} as const;

/** How often every dashboard refreshes. */
export const DASHBOARD_REFRESH = "1m";

/**
 * What the seat panels draw by default, one series each (rules/per-license.ts): at a million
 * licenses a 6-hour chart of a per-license series would load hundreds of millions of samples, past
 * Prometheus's query limit (50M), so a default view never reads one. A selected license's own series
 * are in the collapsed "Selected license" row.
 */
export const SEAT_AGGREGATES = {
  sessionsTotal: "license_seats:active_sessions:sum",
  sessionsBusiest: "license_seats:active_sessions:max",
  utilisationFullest: "license_seats:seat_utilisation:max",
  utilisationMedian: "license_seats:seat_utilisation:median",
  nearLimit: "license_seats:licenses_near_limit:count",
  denialsWorst: "license_seats:seat_denials:max_rate5m",
} as const;

/** The job label of the seats exporter's series: the API's job with `-seats`. */
export const seatsJob = (c: StackConfig) => `${c.licenseApi.job}-seats`;

/**
 * The job kube-prometheus-stack's ServiceMonitor gives the Alertmanagers' metrics (its Service,
 * named after the release's fullnameOverride, render/values/kube-prometheus-stack.ts).
 */
export const ALERTMANAGER_JOB = "kps-alertmanager";

export const probeJob = (c: StackConfig) => `${c.licenseApi.job}-health`;
/** The job label of the black-box probes of the public URL, through DNS, the load balancer, TLS and the ingress. */
export const publicProbeJob = (c: StackConfig) => `${c.licenseApi.job}-public`;

/** The URL customers and the external uptime check reach: the public origin and the uptime check's path. */
export function publicHealthUrl(c: StackConfig): string {
  return new URL(c.uptime.path, c.licenseApi.publicUrl).toString();
}

/**
 * Alerts that exist only as the source of an Alertmanager inhibition, one series each, firing while
 * any alert they stand for fires (rules/build.ts, inhibitor). Alertmanager 0.30.0 to 0.34.0 keep one
 * source alert per inhibit rule and set of `equal` labels, and lift the inhibition when that one
 * resolves while another still fires (inhibit/inhibit.go, updateIndex): with one source per
 * inhibition, no version can pick the wrong one. They route nowhere.
 */
export const INHIBITORS = {
  /** Every APIServerDown signal (render/alertmanager-config.ts: it inhibits the service's other alerts). */
  outage: "APIServerDownInhibitor",
  /** Every paging ErrorBudgetBurn (it inhibits the ticket-level burn alerts). */
  budgetPage: "ErrorBudgetBurnInhibitor",
} as const;

/** The health endpoint as probed from inside the cluster. */
export function healthUrl(c: StackConfig): string {
  return `http://${c.licenseApi.service}.${c.namespaces.licenseApi}.svc:${c.licenseApi.port}${c.licenseApi.healthPath}`;
}

/** Latency quantiles recorded by the rules and drawn by the dashboards. */
export const QUANTILES = [0.5, 0.95, 0.99] as const;
export const quantileName = (q: number) => `p${Math.round(q * 100)}`;

export const SLO_NAME = "license-validation-availability";
/** The windows the burn-rate alerts compare; the SLO's own window (slo.window) is recorded beside them. */
export const SLI_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;
export type SliWindow = (typeof SLI_WINDOWS)[number] | StackConfig["slo"]["window"];
/** The recorded error ratio over a window, named for the window it really covers (28d or 30d for the SLO's). */
export const sliRatio = (window: SliWindow) => `slo:sli_error:ratio_rate${window}`;
/**
 * The same ratio without the time APIServerDown was already paging for: what the paging burn-rate
 * alerts read, so that an outage, paged once, does not page again through the budget it burnt.
 */
export const sliUnpagedRatio = (window: SliWindow) => `slo:sli_error_unpaged:ratio_rate${window}`;

/**
 * The series the SLI is computed from, recorded by rules/slo.ts and read by the monthly report:
 * validations failed and validations in all (per second, over 5m), and whether the API could answer
 * at all at an evaluation (1: every health probe failed, or no /metrics target is up or discoverable
 * while no probe succeeds).
 */
export const SLI_SERIES = {
  errors: "slo:sli_errors:rate5m",
  requests: "slo:sli_requests:rate5m",
  unavailable: "slo:sli_unavailable:bool",
  /** `unavailable`, but 0 while APIServerDown fires: the unavailability no page has announced. */
  unavailableUnpaged: "slo:sli_unavailable_unpaged:bool",
} as const;
/** The share of a window the API could not answer at all: the average of SLI_SERIES.unavailable over it. */
export const sliUnavailable = (window: SliWindow) => `slo:sli_unavailable:ratio_avg${window}`;
/**
 * The share of a window's evaluations at which this Prometheus recorded the SLI: the rest (restarts, a
 * fresh volume) is time it knows nothing of, which its window averages leave out.
 */
export const sliObserved = (window: SliWindow) => `slo:sli_observed:ratio_count${window}`;
/** The share of a window the API could not answer while no APIServerDown page said so. */
export const sliUnavailableUnpaged = (window: SliWindow) => `slo:sli_unavailable_unpaged:ratio_avg${window}`;

/**
 * The SLI's one definition of "bad", shared by the rules, the dashboard and the report. A dead API
 * reports no errors (it reports nothing), so the time it could not answer counts wholly as failed;
 * over the rest of the window, the share of validations the API failed:
 *
 *   bad = unavailable + (1 - unavailable) × request error ratio
 *
 * A total outage is bad = 1 for its duration; 47 minutes of it in a 30-day month cost 47/43200 of the
 * month whatever the traffic, and errors while the API answers cost what they cost before.
 */
export const sliBad = (unavailableShare: number, requestErrorRatio: number) => unavailableShare + (1 - unavailableShare) * requestErrorRatio;
/** sliBad in PromQL, for two series with the same labels; an absent request error ratio (no traffic) counts as 0. */
export const sliBadExpr = (unavailable: string, requestErrorRatio: string) =>
  `${unavailable} + (1 - ${unavailable}) * (${requestErrorRatio} or ${unavailable} * 0)`;

/** Figures as the rules and panels write them: six significant digits, no float noise (1 - 0.999). */
export const roundFigure = (x: number) => Number(x.toPrecision(6));
/** The SLO's error budget: the share of validations allowed to fail over its window. */
export const errorBudget = (c: StackConfig) => roundFigure(1 - c.slo.availabilityTarget);

/**
 * The workbook's burn-rate table for a 30-day budget: two pages and two tickets. The pages have no
 * `for:`, as the workbook's multiwindow alerts have none: the short window already asks that the
 * failures go on now, and a long window's share only grows while they do, so a page begins while the
 * failures happen (or within the short window after, as the 5m rates catch up). A `for:` of 15
 * minutes on the 6x burn made it begin long after an episode ended, as a second incident
 * (rules/tests/episodes.ts).
 */
export const BURN_RATES = [
  { factor: 14.4, long: "1h", short: "5m", severity: "critical", for: "0s" },
  { factor: 6, long: "6h", short: "30m", severity: "critical", for: "0s" },
  { factor: 3, long: "1d", short: "2h", severity: "ticket", for: "1h" },
  { factor: 1, long: "3d", short: "6h", severity: "ticket", for: "3h" },
] as const satisfies readonly { factor: number; long: SliWindow; short: SliWindow; severity: string; for: string }[];

/** The burn that pages first: its short window is how long after the failures stop a burn page can still begin. */
export const FASTEST_PAGING_BURN = BURN_RATES.filter((b) => b.severity === "critical").reduce((a, b) => (a.factor > b.factor ? a : b));

// Dashboard and panel identities, so an alert's `dashboard` annotation always opens the panel that
// explains it.
export const DASHBOARDS = {
  licenseApi: { uid: "coditect-license-api", panels: { requestRate: 1, latency: 2, errorRatio: 3, activeSessions: 4, seatUtilisation: 5, validationFailures: 6 } },
  slo: { uid: "coditect-license-slo", panels: { availability: 1, budgetRemaining: 2, burnRates: 3 } },
  dependencies: { uid: "coditect-license-deps", panels: { redisOperations: 1, redisErrors: 2, redisLatency: 3, databaseLatency: 4 } },
  capacity: { uid: "coditect-license-capacity", panels: { cpu: 1, memory: 2, seatForecast: 3 } },
  tracing: { uid: "coditect-license-tracing", panels: { spanRate: 1, spanErrors: 2, spanDuration: 3 } },
} as const;

export type DashboardKey = keyof typeof DASHBOARDS;

/** Dashboard uids are unique per Grafana organisation, and both stacks may share one Grafana. */
export function dashboardUid(dashboard: DashboardKey, environment: string): string {
  return `${DASHBOARDS[dashboard].uid}-${environment}`;
}

/** The URL of one panel, opened on its own, in the stack's Grafana. */
export function panelUrl<D extends DashboardKey>(
  c: { grafana: { url: string }; environment: string },
  dashboard: D,
  panel: keyof (typeof DASHBOARDS)[D]["panels"],
): string {
  const { panels } = DASHBOARDS[dashboard];
  return `${c.grafana.url.replace(/\/$/, "")}/d/${dashboardUid(dashboard, c.environment)}?viewPanel=${panels[panel as keyof typeof panels]}`;
}
