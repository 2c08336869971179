// A standalone Prometheus config equivalent to what the Operator generates in the cluster for the
// license API: same intervals, job names, external labels and alert relabelling. Kubernetes service
// discovery is replaced by file discovery so the same file runs outside a cluster.
import type { StackConfig } from "../config";
import { ALERTMANAGER_JOB, healthUrl, probeJob, publicHealthUrl, publicProbeJob, seatsJob } from "../lib/identities";
import { ENVIRONMENT_LABEL } from "../lib/long-term";
import { HA_CLUSTER_LABEL, prometheusRemoteWrite, REPLICA_LABEL } from "./remote-write";

export const BLACKBOX_MODULE = "http_2xx";
/** The blackbox module probing the public URL (render/values/blackbox.ts). */
export const PUBLIC_MODULE = "http_public";

export interface PrometheusTargets {
  /** File (relative to the config) listing the license API's /metrics targets, in file_sd format. */
  apiTargetsFile: string;
  blackbox: string;
  healthUrl: string;
  /** The public health URL (through DNS, the load balancer, TLS and the ingress in the cluster). */
  publicUrl: string;
  alertmanagers: string[];
  /** Set per replica; dropped from alerts so two replicas' alerts deduplicate into one page. */
  replica: string;
  /** Where long-term metrics are remote-written (render/remote-write.ts). */
  remoteWriteUrl: string;
  /** The seats exporter's address, where there is one (an API exporting ADR-019's labels has none). */
  seatsTarget?: string;
}

/** The addresses the same jobs have inside the cluster. */
export function inClusterTargets(c: StackConfig): PrometheusTargets {
  return {
    apiTargetsFile: "targets/license-api.json",
    blackbox: `blackbox-exporter.${c.namespaces.monitoring}.svc:9115`,
    healthUrl: healthUrl(c),
    publicUrl: publicHealthUrl(c),
    alertmanagers: [`alertmanager-operated.${c.namespaces.monitoring}.svc:9093`],
    replica: "prometheus-kps-prometheus-0",
    remoteWriteUrl: REMOTE_WRITE_URL_PLACEHOLDER,
    seatsTarget: `${c.licenseApi.seats.service}.${c.namespaces.licenseApi}.svc:${c.licenseApi.seats.metricsPort}`,
  };
}


/** The long-term store's URL in rendered files: the real one is looked up from Grafana Cloud at deploy time. */
export const REMOTE_WRITE_URL_PLACEHOLDER = "https://long-term-store.invalid/api/prom/push";

/** `cluster` is also the HA cluster Mimir deduplicates the replicas' samples in (render/remote-write.ts). */
export function externalLabels(c: StackConfig): Record<string, string> {
  return { [HA_CLUSTER_LABEL]: c.cluster.name, [ENVIRONMENT_LABEL]: c.environment };
}

export function prometheusConfig(c: StackConfig, t: PrometheusTargets) {
  return {
    global: {
      scrape_interval: c.prometheus.scrapeInterval,
      evaluation_interval: c.prometheus.evaluationInterval,
      // The Operator adds `prometheus` and the replica label to the configured external labels.
      external_labels: { ...externalLabels(c), prometheus: `${c.namespaces.monitoring}/kps-prometheus`, [REPLICA_LABEL]: t.replica },
    },
    rule_files: ["rules.yml"],
    remote_write: [prometheusRemoteWrite(c, t.remoteWriteUrl)],
    alerting: {
      alert_relabel_configs: [{ action: "labeldrop", regex: REPLICA_LABEL }],
      alertmanagers: [{ static_configs: [{ targets: t.alertmanagers }] }],
    },
    scrape_configs: [
      {
        job_name: c.licenseApi.job,
        scrape_interval: c.licenseApi.scrapeInterval,
        scrape_timeout: c.licenseApi.scrapeTimeout,
        metrics_path: c.licenseApi.metricsPath,
        // The ServiceMonitor's sampleLimit, labelLimit and labelValueLengthLimit, as the Operator writes them.
        sample_limit: c.licenseApi.scrapeLimits.samples,
        label_limit: c.licenseApi.scrapeLimits.labels,
        label_value_length_limit: c.licenseApi.scrapeLimits.labelValueLength,
        file_sd_configs: [{ files: [t.apiTargetsFile], refresh_interval: "5s" }],
      },
      ...(t.seatsTarget ? [seatsJobConfig(c, t.seatsTarget)] : []),
      probeJobConfig(c, probeJob(c), BLACKBOX_MODULE, t.healthUrl, t.blackbox),
      probeJobConfig(c, publicProbeJob(c), PUBLIC_MODULE, t.publicUrl, t.blackbox),
      // The chart's ServiceMonitor of the Alertmanagers: the Watchdog reads whether they reach PagerDuty.
      { job_name: ALERTMANAGER_JOB, static_configs: [{ targets: t.alertmanagers }] },
    ],
  };
}

/**
 * The seats exporter's series keep their identity when its pod is replaced: a rollout must not start a
 * new series per license, or every forecast would wait half its lookback again and every held seat
 * alert would start over. So the target is named after the Service, not the pod, and the pod label is
 * dropped; the job is pinned like the API's. The Operator appends an endpoint's relabelings after
 * the ones it writes itself (pod, container, job, endpoint: prometheus-operator's
 * pkg/prometheus/promcfg.go), so these have the last word.
 */
export function seatsRelabelings(c: StackConfig): Relabeling[] {
  return [
    { action: "replace", targetLabel: "job", replacement: seatsJob(c) },
    { action: "replace", targetLabel: "instance", replacement: c.licenseApi.seats.service },
    { action: "labeldrop", regex: "pod" },
  ];
}

interface Relabeling {
  action: "replace" | "labeldrop";
  targetLabel?: string;
  replacement?: string;
  regex?: string;
}

/** The seats exporter's job as the Operator writes it for its ServiceMonitor (render/custom-resources.ts). */
export function seatsJobConfig(c: StackConfig, target: string) {
  const s = c.licenseApi.seats;
  return {
    job_name: seatsJob(c),
    scrape_interval: s.scrapeInterval,
    scrape_timeout: s.scrapeTimeout,
    metrics_path: s.metricsPath,
    sample_limit: s.sampleLimit,
    static_configs: [{ targets: [target] }],
    relabel_configs: seatsRelabelings(c).map(({ action, targetLabel, replacement, regex }) => ({ action, ...(targetLabel ? { target_label: targetLabel } : {}), ...(replacement ? { replacement } : {}), ...(regex ? { regex } : {}) })),
  };
}

/** A black-box probe job as the Operator writes one for a Probe object. */
function probeJobConfig(c: StackConfig, job: string, module: string, target: string, blackbox: string) {
  return {
    job_name: job,
    scrape_interval: c.blackbox.probeInterval,
    scrape_timeout: c.blackbox.probeTimeout,
    metrics_path: "/probe",
    params: { module: [module] },
    static_configs: [{ targets: [target] }],
    relabel_configs: [
      { source_labels: ["__address__"], target_label: "__param_target" },
      { source_labels: ["__param_target"], target_label: "instance" },
      { target_label: "__address__", replacement: blackbox },
    ],
  };
}
