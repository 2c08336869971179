// The Prometheus Operator objects this stack creates itself (outside any chart), as pure functions of
// the config: the components apply them, and the tests validate them against the pinned chart's CRD
// schemas, so a wrong field fails a test instead of an `up`.
import type { StackConfig } from "../config";
import { renderRuleGroups } from "../rules";
import { JAEGER_CHART, TRACING_PORT_NAMES } from "./collector-config";
import { BLACKBOX_MODULE, PUBLIC_MODULE, seatsRelabelings } from "./prometheus-config";
import { BLACKBOX_EXPORTER } from "./values/blackbox";
import { healthUrl, probeJob, publicHealthUrl, publicProbeJob } from "../lib/identities";

export const MONITORING_API_VERSION = "monitoring.coreos.com/v1";
const PART_OF = { "app.kubernetes.io/part-of": "coditect-monitoring" };

export interface CustomResourceObject {
  apiVersion: typeof MONITORING_API_VERSION;
  kind: "PrometheusRule" | "ServiceMonitor" | "Probe";
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

export function licenseApiRules(c: StackConfig): CustomResourceObject {
  return {
    apiVersion: MONITORING_API_VERSION,
    kind: "PrometheusRule",
    metadata: { name: "license-api", namespace: c.namespaces.monitoring, labels: PART_OF },
    spec: { groups: renderRuleGroups(c) },
  };
}

/** A ServiceMonitor of one of the license API's Services, in its namespace, with one endpoint. */
function licenseApiNamespaceMonitor(c: StackConfig, name: string, selector: Record<string, string>, limits: Record<string, number>, endpoint: Record<string, unknown>): CustomResourceObject {
  return {
    apiVersion: MONITORING_API_VERSION,
    kind: "ServiceMonitor",
    metadata: { name, namespace: c.namespaces.licenseApi, labels: PART_OF },
    spec: { selector: { matchLabels: selector }, namespaceSelector: { matchNames: [c.namespaces.licenseApi] }, ...limits, endpoints: [endpoint] },
  };
}

export function licenseApiServiceMonitor(c: StackConfig): CustomResourceObject {
  const api = c.licenseApi;
  // A scrape over any of these fails whole (nothing stored, up 0): what bounds the series a client
  // presenting random keys can create under ADR-019's labels (rules/cardinality.ts warns first).
  // Relabelling the key away instead would make the series of two keys collide, and Prometheus drops
  // colliding samples as duplicates.
  const limits = { sampleLimit: api.scrapeLimits.samples, labelLimit: api.scrapeLimits.labels, labelValueLengthLimit: api.scrapeLimits.labelValueLength };
  return licenseApiNamespaceMonitor(c, api.service, api.selector, limits, {
    port: api.metricsPortName,
    path: api.metricsPath,
    interval: api.scrapeInterval,
    scrapeTimeout: api.scrapeTimeout,
    // The job label is what every rule selects on; pin it instead of inheriting the Service name.
    relabelings: [{ targetLabel: "job", replacement: api.job, action: "replace" }],
  });
}

/** The seats exporter's ServiceMonitor: its own job, cadence and sample limit (docs/metrics.md). */
export function licenseSeatsServiceMonitor(c: StackConfig): CustomResourceObject {
  const seats = c.licenseApi.seats;
  return licenseApiNamespaceMonitor(c, seats.service, seats.selector, { sampleLimit: seats.sampleLimit }, {
    port: seats.metricsPortName,
    path: seats.metricsPath,
    interval: seats.scrapeInterval,
    scrapeTimeout: seats.scrapeTimeout,
    relabelings: seatsRelabelings(c),
  });
}

function probe(c: StackConfig, name: string, job: string, module: string, url: string): CustomResourceObject {
  return {
    apiVersion: MONITORING_API_VERSION,
    kind: "Probe",
    metadata: { name, namespace: c.namespaces.monitoring, labels: PART_OF },
    spec: {
      jobName: job,
      interval: c.blackbox.probeInterval,
      scrapeTimeout: c.blackbox.probeTimeout,
      module,
      prober: { url: `${BLACKBOX_EXPORTER.release}.${c.namespaces.monitoring}.svc:9115` },
      targets: { staticConfig: { static: [url] } },
    },
  };
}

export const licenseApiHealthProbe = (c: StackConfig) => probe(c, `${c.licenseApi.service}-health`, probeJob(c), BLACKBOX_MODULE, healthUrl(c));

/** The public URL, probed from inside the cluster through everything in front of the pods. */
export const licenseApiPublicProbe = (c: StackConfig) => probe(c, `${c.licenseApi.service}-public`, publicProbeJob(c), PUBLIC_MODULE, publicHealthUrl(c));

/** Jaeger's own metrics (spans received/stored, storage latency); the chart has no ServiceMonitor for v2. */
export function jaegerServiceMonitor(c: StackConfig): CustomResourceObject {
  return {
    apiVersion: MONITORING_API_VERSION,
    kind: "ServiceMonitor",
    metadata: { name: JAEGER_CHART.release, namespace: c.namespaces.tracing, labels: PART_OF },
    spec: {
      selector: { matchLabels: { "app.kubernetes.io/instance": JAEGER_CHART.release, "app.kubernetes.io/component": "all-in-one" } },
      endpoints: [{ port: TRACING_PORT_NAMES.jaegerMetrics, interval: "30s" }],
    },
  };
}

export function customResources(c: StackConfig): CustomResourceObject[] {
  return [licenseApiRules(c), licenseApiServiceMonitor(c), licenseSeatsServiceMonitor(c), licenseApiHealthProbe(c), licenseApiPublicProbe(c), jaegerServiceMonitor(c)];
}
