// Replicas: which API pods are up, latency by endpoint, and traffic per pod, to tell a bad pod from a bad API.
import { statPanel, timeSeriesPanel, type PanelEntry } from "../common";
import type { RowContext } from "./context";

export function replicaPanels({ t, tier, target }: RowContext): PanelEntry[] {
  return [
    [
      statPanel,
      {
        id: 8,
        title: "API replicas up",
        description: "Scrape targets of the license API that answered their last scrape.",
        unit: "short",
        w: 6,
        base: "red",
        steps: [[1, "green"]],
        queries: [{ expr: `sum(up{${target}}) or vector(0)`, legend: "up", instant: true }],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: 9,
        title: "p95 latency by endpoint",
        description: "p95 validation latency per endpoint (recording rule endpoint:license_validation_latency_seconds:p95_5m).",
        unit: "s",
        min: 0,
        steps: [[t.latencyP95Seconds.threshold, "red"]],
        queries: [{ expr: "endpoint:license_validation_latency_seconds:p95_5m", legend: "{{endpoint}}" }],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: 10,
        title: "Validation requests by instance",
        description: "Per replica (narrowed by the instance and tier variables; recording rule instance_status_tier:license_validation_requests:rate5m): one replica slower or busier than the rest points at the pod, not the API.",
        unit: "reqps",
        min: 0,
        w: 24,
        queries: [
          {
            expr: `sum by (instance) (instance_status_tier:license_validation_requests:rate5m{instance=~"$instance", ${tier}})`,
            legend: "{{instance}}",
          },
        ],
      },
    ],
  ];
}
