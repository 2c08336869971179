// Series of a healthy three-node GKE cluster as kube-prometheus-stack scrapes it on this stack: the
// targets it keeps (apiserver, kubelet with its cAdvisor and probes paths, kube-state-metrics,
// node-exporter, the operator, Prometheus and Alertmanager themselves) all up, nodes Ready with room on
// their disks, every reload successful, alerts delivered. What GKE does not expose (scheduler,
// controller manager, etcd, kube-proxy on Dataplane V2) has no series, as on a real GKE cluster.
import { linear, series, type InputSeries, type Labels } from "../../rules/tests/promtool";

const NODES = ["gke-pool-a-1", "gke-pool-a-2", "gke-pool-a-3"];
const MONITORING = "monitoring";

/** The jobs that exist on such a cluster, as the rendered ServiceMonitors name them (the test checks this list against them). */
export const GKE_SCRAPE_JOBS = ["apiserver", "kubelet", "kube-state-metrics", "node-exporter", "kps-operator", "kps-prometheus", "kps-alertmanager"];

export function healthyGkeSeries(steps: number, c: { prometheusReplicas: number; alertmanagerReplicas: number }): InputSeries[] {
  const constant = (v: number) => linear(v, 0, steps);
  const counter = (perStep: number) => linear(0, perStep, steps);
  const ksm = (name: string, labels: Labels, value: number) => series(name, { job: "kube-state-metrics", namespace: MONITORING, ...labels }, constant(value));
  const up = (job: string, labels: Labels) => series("up", { job, ...labels }, constant(1));

  const nodes = NODES.flatMap((node, i) => {
    const instance = `10.128.0.${10 + i}`;
    const fs = { job: "node-exporter", instance: `${instance}:9100`, device: "/dev/sda1", fstype: "ext4", mountpoint: "/" };
    return [
      ...["/metrics", "/metrics/cadvisor", "/metrics/probes"].map((path) => up("kubelet", { node, instance: `${instance}:10250`, metrics_path: path, namespace: "kube-system", service: "kps-kubelet" })),
      up("node-exporter", { instance: `${instance}:9100`, namespace: MONITORING, service: "node-exporter" }),
      ksm("kube_node_info", { node }, 1),
      ksm("kube_node_status_condition", { node, condition: "Ready", status: "true" }, 1),
      ksm("kube_node_status_condition", { node, condition: "Ready", status: "false" }, 0),
      ...["MemoryPressure", "DiskPressure", "PIDPressure"].map((condition) => ksm("kube_node_status_condition", { node, condition, status: "true" }, 0)),
      ksm("kube_node_spec_unschedulable", { node }, 0),
      ksm("kube_node_status_allocatable", { node, resource: "cpu", unit: "core" }, 3.92),
      ksm("kube_node_status_allocatable", { node, resource: "memory", unit: "byte" }, 13e9),
      ksm("kube_node_status_allocatable", { node, resource: "pods", unit: "integer" }, 110),
      series("node_filesystem_avail_bytes", fs, constant(60e9)),
      series("node_filesystem_size_bytes", fs, constant(100e9)),
      series("node_filesystem_files_free", fs, constant(6e6)),
      series("node_filesystem_files", fs, constant(6.5e6)),
      series("node_filesystem_readonly", fs, constant(0)),
      series("node_filefd_allocated", { job: "node-exporter", instance: fs.instance }, constant(3000)),
      series("node_filefd_maximum", { job: "node-exporter", instance: fs.instance }, constant(9.2e18)),
      series("node_timex_sync_status", { job: "node-exporter", instance: fs.instance }, constant(1)),
      series("node_timex_maxerror_seconds", { job: "node-exporter", instance: fs.instance }, constant(0.01)),
      series("node_timex_offset_seconds", { job: "node-exporter", instance: fs.instance }, constant(0)),
      series("node_cpu_seconds_total", { job: "node-exporter", instance: fs.instance, cpu: "0", mode: "idle" }, counter(12)),
      series("node_memory_MemAvailable_bytes", { job: "node-exporter", instance: fs.instance }, constant(8e9)),
      series("node_memory_MemTotal_bytes", { job: "node-exporter", instance: fs.instance }, constant(16e9)),
    ];
  });

  const replicas = (job: string, n: number, base: string) =>
    Array.from({ length: n }, (_, i) => ({ job, namespace: MONITORING, pod: `${base}-${i}`, instance: `10.64.1.${20 + i}:9090`, service: job }));
  const prometheus = replicas("kps-prometheus", c.prometheusReplicas, "prometheus-kps-prometheus");
  const alertmanagers = replicas("kps-alertmanager", c.alertmanagerReplicas, "alertmanager-kps-alertmanager");

  return [
    up("apiserver", { instance: "172.16.0.2:443", namespace: "default", service: "kubernetes" }),
    series("apiserver_request_total", { job: "apiserver", verb: "GET", code: "200", resource: "pods" }, counter(30)),
    up("kube-state-metrics", { instance: "10.64.1.5:8080", namespace: MONITORING, service: "kube-state-metrics" }),
    ...["list", "watch"].flatMap((kind) =>
      ["success", "error"].map((result) => series(`kube_state_metrics_${kind}_total`, { job: "kube-state-metrics", resource: "*v1.Pod", result }, counter(result === "success" ? 2 : 0))),
    ),
    up("kps-operator", { instance: "10.64.1.6:10250", namespace: MONITORING, service: "kps-operator" }),
    series("prometheus_operator_ready", { job: "kps-operator", namespace: MONITORING, controller: "prometheus" }, constant(1)),
    series("prometheus_operator_reconcile_errors_total", { job: "kps-operator", namespace: MONITORING, controller: "prometheus" }, counter(0)),
    series("prometheus_operator_reconcile_operations_total", { job: "kps-operator", namespace: MONITORING, controller: "prometheus" }, counter(1)),
    ...nodes,
    ...prometheus.flatMap((p) => [
      series("up", p, constant(1)),
      series("prometheus_config_last_reload_successful", p, constant(1)),
      series("prometheus_notifications_alertmanagers_discovered", p, constant(c.alertmanagerReplicas)),
      series("prometheus_notifications_sent_total", { ...p, alertmanager: "http://10.64.1.30:9093/api/v2/alerts" }, counter(2)),
      series("prometheus_notifications_errors_total", { ...p, alertmanager: "http://10.64.1.30:9093/api/v2/alerts" }, counter(0)),
      series("prometheus_notifications_dropped_total", p, counter(0)),
      series("prometheus_rule_evaluation_failures_total", { ...p, rule_group: "license-api.outage" }, counter(0)),
      series("prometheus_rule_evaluations_total", { ...p, rule_group: "license-api.outage" }, counter(3)),
      series("prometheus_target_scrape_pool_exceeded_target_limit_total", p, counter(0)),
      series("prometheus_sd_discovered_targets", { ...p, config: "serviceMonitor/license-api/license-api/0", name: "scrape" }, constant(3)),
      series("prometheus_tsdb_reloads_failures_total", p, counter(0)),
      series("prometheus_tsdb_compactions_failed_total", p, counter(0)),
      series("prometheus_tsdb_head_samples_appended_total", p, counter(15000)),
      series("reloader_last_reload_successful", p, constant(1)),
    ]),
    ...alertmanagers.flatMap((a) => [
      series("up", a, constant(1)),
      series("alertmanager_config_last_reload_successful", { ...a, container: "alertmanager" }, constant(1)),
      series("alertmanager_config_hash", { ...a, container: "alertmanager" }, constant(1234567)),
      series("alertmanager_cluster_members", { ...a, container: "alertmanager" }, constant(c.alertmanagerReplicas)),
      series("alertmanager_cluster_enabled", { ...a, container: "alertmanager" }, constant(1)),
      ...["pagerduty", "slack", "webhook"].flatMap((integration) => [
        series("alertmanager_notifications_total", { ...a, container: "alertmanager", integration }, counter(1)),
        series("alertmanager_notifications_failed_total", { ...a, container: "alertmanager", integration }, counter(0)),
      ]),
      series("reloader_last_reload_successful", a, constant(1)),
    ]),
  ];
}
