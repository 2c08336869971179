// Traffic: validations by tier, latency quantiles and the error ratio, all from recording rules.
import { DASHBOARDS, quantileName, QUANTILES } from "../../lib/identities";
import { timeSeriesPanel, type PanelEntry } from "../common";
import type { RowContext } from "./context";

export function trafficPanels({ t, tier }: RowContext): PanelEntry[] {
  return [
    [
      timeSeriesPanel,
      {
        id: DASHBOARDS.licenseApi.panels.requestRate,
        title: "Validation requests by tier",
        description: "License validations per second, by pricing tier (recording rule tier:license_validation_requests:rate5m).",
        unit: "reqps",
        min: 0,
        queries: [
          { expr: `sum by (tier) (tier:license_validation_requests:rate5m{${tier}})`, legend: "{{tier}}" },
          { expr: `sum(tier:license_validation_requests:rate5m{${tier}})`, legend: "total" },
        ],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: DASHBOARDS.licenseApi.panels.latency,
        title: "Validation latency p50 / p95 / p99",
        description: `Quantiles of the latency histogram summed by le across replicas and endpoints. HighLatency fires when p95 stays above ${t.latencyP95Seconds.threshold}s for ${t.latencyP95Seconds.for}.`,
        unit: "s",
        min: 0,
        steps: [[t.latencyP95Seconds.threshold, "red"]],
        queries: QUANTILES.map((q) => ({
          expr: `license_validation_latency_seconds:${quantileName(q)}_5m`,
          legend: quantileName(q),
        })),
      },
    ],
    [
      timeSeriesPanel,
      {
        id: DASHBOARDS.licenseApi.panels.errorRatio,
        title: "Validation error ratio by tier",
        description: `Failed validations over all validations, each summed by tier before dividing. HighErrorRate fires above ${t.errorRate.threshold * 100}% for ${t.errorRate.for}. Invalid or revoked keys are correct answers, not errors.`,
        unit: "percentunit",
        min: 0,
        steps: [[t.errorRate.threshold, "red"]],
        queries: [{ expr: `tier:license_validation_error_ratio:rate5m{${tier}}`, legend: "{{tier}}" }],
      },
    ],
  ];
}
