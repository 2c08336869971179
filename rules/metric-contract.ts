// The metric contract: every metric the rules (and dashboards) read, with its labels exactly as the
// exporter defines them. docs/metrics.md is the readable copy; tests hold the two and the rules to it.

export type MetricType = "counter" | "gauge" | "histogram" | "info";

export type MetricSource =
  | "license-api" // the API's own /metrics, on every replica (ADR-019 backend/monitoring/metrics.py)
  | "license-seats" // the seats exporter: each license's seat gauges, from one pod (docs/metrics.md)
  | "prometheus" // written by Prometheus itself for every scrape
  | "blackbox-exporter"
  | "cadvisor"
  | "kube-state-metrics"
  | "alertmanager";

export interface ContractMetric {
  /** The exported name (counters with their `_total`, histograms without `_bucket`). */
  name: string;
  type: MetricType;
  source: MetricSource;
  /** Labels the exporter sets; Prometheus adds the target labels (job, instance, ...) on top. */
  labels: readonly string[];
  /**
   * The labels ADR-019's metrics.py sets instead, where they differ: a license API not yet migrated to
   * the contract exports these, and the rules work on both (see "Label schemes" in docs/metrics.md).
   */
  adrLabels?: readonly string[];
  /** Where ADR-019's metrics.py exports it instead, where that differs. */
  adrSource?: MetricSource;
  /** The one label scheme it exists under, if only one: ADR-019's metrics.py has no seat limit. */
  only?: LabelScheme;
  help: string;
  /** Label values the rules match on, where the rules depend on them. */
  values?: Readonly<Record<string, readonly string[]>>;
  /** Histogram bucket upper bounds, as metrics.py declares them. */
  buckets?: readonly number[];
}

/** Status values of license_validation_requests_total; "error" means the API failed to answer. */
export const VALIDATION_STATUSES = ["valid", "invalid", "expired", "revoked", "error"] as const;

export const METRIC_CONTRACT: readonly ContractMetric[] = [
  {
    name: "license_validation_requests_total",
    type: "counter",
    source: "license-api",
    labels: ["status", "tier"],
    adrLabels: ["license_key", "status", "tier"],
    help: "Total number of license validation requests",
    values: { status: VALIDATION_STATUSES },
  },
  {
    name: "license_validation_latency_seconds",
    type: "histogram",
    source: "license-api",
    labels: ["endpoint"],
    help: "License validation request latency",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0],
  },
  {
    name: "license_validation_errors_total",
    type: "counter",
    source: "license-api",
    labels: ["error_type", "tier"],
    help: "Total number of license validation errors (validations the API failed to complete)",
    values: { error_type: ["redis_unavailable", "database_error", "timeout", "internal"] },
  },
  {
    name: "seat_acquisitions_total",
    type: "counter",
    source: "license-api",
    labels: ["success"],
    adrLabels: ["license_key", "tenant_id", "success"],
    help: "Total number of seat acquisitions",
  },
  {
    name: "seat_acquisition_latency_seconds",
    type: "histogram",
    source: "license-api",
    labels: [],
    help: "Seat acquisition latency",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1],
  },
  {
    name: "active_sessions",
    type: "gauge",
    source: "license-seats",
    labels: ["license_id", "tenant_id"],
    adrLabels: ["license_key", "tenant_id"],
    adrSource: "license-api",
    help: "Sessions in use of each license (its count in Redis): one series per license from the seats exporter; under ADR-019's labels, the same count on every API replica",
  },
  {
    name: "license_seat_utilisation_ratio",
    type: "gauge",
    source: "license-seats",
    labels: ["license_id", "tenant_id"],
    only: "contract",
    help: "Share of its seats each license uses: its sessions over the seats the API enforces for it (from its license record)",
  },
  {
    name: "seat_denials_total",
    type: "counter",
    source: "license-api",
    labels: ["license_id", "tenant_id"],
    adrLabels: ["license_key", "tenant_id"],
    help: "Total number of seat denials (no seats available)",
  },
  {
    name: "redis_operations_total",
    type: "counter",
    source: "license-api",
    labels: ["operation", "status"],
    help: "Total Redis operations",
    values: { status: ["success", "error"] },
  },
  {
    name: "redis_latency_seconds",
    type: "histogram",
    source: "license-api",
    labels: ["operation"],
    help: "Redis operation latency",
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05],
  },
  {
    name: "database_queries_total",
    type: "counter",
    source: "license-api",
    labels: ["table", "operation"],
    help: "Total database queries",
  },
  {
    name: "database_query_latency_seconds",
    type: "histogram",
    source: "license-api",
    labels: ["table", "operation"],
    help: "Database query latency",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5],
  },
  {
    name: "app_info",
    type: "info",
    source: "license-api",
    labels: ["version", "environment", "region"],
    help: "Application info",
  },
  {
    name: "up",
    type: "gauge",
    source: "prometheus",
    labels: [],
    help: "1 if the last scrape of the target succeeded, 0 if it failed; gone when the target leaves discovery",
  },
  {
    name: "scrape_samples_scraped",
    type: "gauge",
    source: "prometheus",
    labels: [],
    help: "Samples the target exported at its last scrape, also when the scrape failed for exceeding the sample limit",
  },
  {
    name: "probe_success",
    type: "gauge",
    source: "blackbox-exporter",
    labels: [],
    help: "1 if the probe of the health endpoint (or of the public URL) succeeded",
  },
  {
    name: "ALERTS",
    type: "gauge",
    source: "prometheus",
    labels: ["alertname", "alertstate"],
    help: "1 for every pending or firing alert of the rules Prometheus evaluates, with the alert's labels",
  },
  {
    name: "probe_duration_seconds",
    type: "gauge",
    source: "blackbox-exporter",
    labels: [],
    help: "How long the probe took (the probe timeout when the API hangs)",
  },
  {
    name: "alertmanager_notification_requests_total",
    type: "counter",
    source: "alertmanager",
    labels: ["integration"],
    help: "Requests each Alertmanager made to a receiver's integration (pagerduty, slack, webhook), one per attempt",
  },
  {
    name: "alertmanager_notification_requests_failed_total",
    type: "counter",
    source: "alertmanager",
    labels: ["integration"],
    help: "Of those, the requests that failed (refused, timed out, answered with an error)",
  },
  {
    name: "container_cpu_usage_seconds_total",
    type: "counter",
    source: "cadvisor",
    labels: ["namespace", "pod", "container"],
    help: "Cumulative CPU time consumed by the container, in core-seconds",
  },
  {
    name: "container_memory_working_set_bytes",
    type: "gauge",
    source: "cadvisor",
    labels: ["namespace", "pod", "container"],
    help: "Working set of the container, what the OOM killer measures against the limit",
  },
  {
    name: "container_start_time_seconds",
    type: "gauge",
    source: "cadvisor",
    labels: ["namespace", "pod", "container"],
    help: "Unix time the container started; forecasts skip containers younger than half their lookback",
  },
  {
    name: "kube_pod_container_resource_requests",
    type: "gauge",
    source: "kube-state-metrics",
    labels: ["namespace", "pod", "container", "resource", "unit"],
    help: "Resources the container requests",
    values: { resource: ["cpu", "memory"] },
  },
  {
    name: "kube_pod_container_resource_limits",
    type: "gauge",
    source: "kube-state-metrics",
    labels: ["namespace", "pod", "container", "resource", "unit"],
    help: "Resource limits of the container",
    values: { resource: ["cpu", "memory"] },
  },
];

/**
 * How the license API labels its per-license series: `contract`, the labels above (a non-secret
 * license id, and only on the series whose alerts are per license), or `adr`, ADR-019's metrics.py
 * (the license key on every per-license counter, the request counter included).
 */
export type LabelScheme = "contract" | "adr";
export const LABEL_SCHEMES: readonly LabelScheme[] = ["contract", "adr"];

/** Whether a metric exists under a scheme. */
export const exportedUnder = (m: ContractMetric, scheme: LabelScheme): boolean => (m.only ?? scheme) === scheme;

/** Where a metric comes from under a scheme. */
export const sourceOf = (m: ContractMetric, scheme: LabelScheme): MetricSource => (scheme === "adr" && m.adrSource) || m.source;

/** The labels a metric carries under a scheme. */
export const labelsOf = (m: ContractMetric, scheme: LabelScheme): readonly string[] => (scheme === "adr" && m.adrLabels) || m.labels;

/** The series names a metric is stored under in Prometheus. */
export function seriesNames(m: ContractMetric): string[] {
  if (m.type === "histogram") return ["_bucket", "_sum", "_count"].map((s) => `${m.name}${s}`);
  return [m.name];
}

export function contractMetric(name: string): ContractMetric {
  const m = METRIC_CONTRACT.find((x) => x.name === name);
  if (!m) throw new Error(`${name} is not in the metric contract`);
  return m;
}

/** A bucket bound as the Python client writes it into the `le` label ("1.0", "0.005", "+Inf"). */
export function leLabel(bound: number): string {
  if (bound === Infinity) return "+Inf";
  return Number.isInteger(bound) ? bound.toFixed(1) : String(bound);
}
