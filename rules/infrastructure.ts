// Saturation of the API's containers now (the ADR's CPU and memory alerts, measured against what the
// containers are given instead of against one core) and forecast (capacity planning). The per-license
// seat forecast has its own, slower group (rules/seat-forecast.ts).
import type { StackConfig } from "../config";
import { seconds } from "../lib/duration";
import { alert } from "./build";
import type { RuleGroup } from "./types";
import { panelUrl, selectors } from "../lib/identities";

const BY_CONTAINER = "namespace, pod, container";

export function infrastructureRules(c: StackConfig): RuleGroup {
  const s = selectors(c);
  const t = c.alerts;
  const f = t.forecast;
  const horizon = seconds(f.horizon);
  // CPU limits are usually left unset on GKE (throttling hurts latency), so CPU is measured against requests.
  const cpuUsage = `sum by (${BY_CONTAINER}) (rate(container_cpu_usage_seconds_total{${s.container}}[5m]))`;
  const cpuRequest = `max by (${BY_CONTAINER}) (kube_pod_container_resource_requests{${s.container}, resource="cpu"})`;
  const memoryUsage = `max by (${BY_CONTAINER}) (container_memory_working_set_bytes{${s.container}})`;
  const memoryLimit = `max by (${BY_CONTAINER}) (kube_pod_container_resource_limits{${s.container}, resource="memory"})`;
  // A container's first minutes are no trend: its 5m CPU rate climbs while the window fills and its
  // memory warms up, which a regression over a short history extrapolates into a false forecast after
  // every deployment. Forecast only containers with at least half the lookback behind them.
  const seasoned = `on (${BY_CONTAINER}) (time() - max by (${BY_CONTAINER}) (container_start_time_seconds{${s.container}})) > ${seconds(f.lookback) / 2}`;
  return {
    name: "license-api.infrastructure",
    interval: c.prometheus.evaluationInterval,
    rules: [
      alert(c, "HighCPUUsage", `${cpuUsage} / ${cpuRequest} > ${t.cpuUtilisation.threshold}`, {
        for: t.cpuUtilisation.for,
        severity: "warning",
        summary: "High CPU usage on license API pod {{ $labels.pod }}",
        description: "CPU usage is {{ $value | humanizePercentage }} of the container's CPU request.",
        runbook: "highcpuusage",
        dashboard: panelUrl(c, "capacity", "cpu"),
      }),
      alert(c, "HighMemoryUsage", `${memoryUsage} / ${memoryLimit} > ${t.memoryUtilisation.threshold}`, {
        for: t.memoryUtilisation.for,
        severity: "warning",
        summary: "High memory usage on license API pod {{ $labels.pod }}",
        description: "Working set is {{ $value | humanizePercentage }} of the container's memory limit; the OOM killer acts at 100%.",
        runbook: "highmemoryusage",
        dashboard: panelUrl(c, "capacity", "memory"),
      }),
      alert(c, "CPUSaturationForecast", `predict_linear(${cpuUsage}[${f.lookback}:1m], ${horizon}) > ${cpuRequest} and ${seasoned}`, {
        for: f.for,
        severity: "warning",
        summary: `License API pod {{ $labels.pod }} will exceed its CPU request within ${f.horizon}`,
        description: `At the trend of the last ${f.lookback}, CPU use reaches {{ $value | printf "%.2f" }} cores in ${f.horizon}: scale out before latency suffers.`,
        runbook: "saturationforecast",
        dashboard: panelUrl(c, "capacity", "cpu"),
      }),
      alert(c, "MemorySaturationForecast", `max by (${BY_CONTAINER}) (predict_linear(container_memory_working_set_bytes{${s.container}}[${f.lookback}], ${horizon})) > ${memoryLimit} and ${seasoned}`, {
        for: f.for,
        severity: "warning",
        summary: `License API pod {{ $labels.pod }} will reach its memory limit within ${f.horizon}`,
        description: `At the trend of the last ${f.lookback}, the working set reaches {{ $value | humanize1024 }}B in ${f.horizon}.`,
        runbook: "saturationforecast",
        dashboard: panelUrl(c, "capacity", "memory"),
      }),
    ],
  };
}
