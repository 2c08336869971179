// What leaves the cluster for the long-term store: exactly the series its readers read, each with the
// reader. Everything else (the chart's recording rules per pod, container and node, raw series
// nobody reads from there) stays in the cluster, and the store's bill follows this list, not the
// cluster's size. render/remote-write.ts keeps these and drops any series with a per-license label.
import type { StackConfig } from "../config";
import { SLI_SERIES, sliObserved, sliRatio, sliUnavailable } from "./identities";

/** The series the monthly report reads (report/data.ts), which a monthly run reads from the long-term store. */
export const REPORT_SERIES = {
  unavailable: SLI_SERIES.unavailable,
  errorRate: SLI_SERIES.errors,
  requestRate: SLI_SERIES.requests,
  tierErrorRate: "tier:license_validation_errors:rate5m",
  tierRequestRate: "tier:license_validation_requests:rate5m",
  failedValidations: "license_validation_errors_total",
  alerts: "ALERTS",
} as const;

/**
 * The external label every series carries its environment in (render/prometheus-config.ts). Staging and
 * prod remote-write to the same store, so every reader of the store selects its own environment by it.
 */
export const ENVIRONMENT_LABEL = "environment";

export interface LongTermSeries {
  name: string;
  /** Only the series of this job (the API's), when the name is not the stack's own. */
  job?: string;
  /** Who reads it from the long-term store. */
  readBy: string;
}

/** The long-range panels of the SLO dashboard (dashboards/slo.ts), which read the long-term store. */
export const longRangePanelSeries = (c: StackConfig) => [sliRatio("1h"), sliRatio(c.slo.window), sliUnavailable("1h"), "slo:objective:ratio", "slo:error_budget:remaining_ratio", sliObserved(c.slo.window)];

export function longTermSeries(c: StackConfig): LongTermSeries[] {
  const report = "the monthly report";
  const panels = "the SLO dashboard's long-range panels";
  const byName = new Map<string, LongTermSeries>();
  const add = (s: LongTermSeries) => {
    const known = byName.get(s.name);
    byName.set(s.name, known ? { ...known, readBy: `${known.readBy}; ${s.readBy}` } : s);
  };
  add({ name: REPORT_SERIES.unavailable, readBy: `${report} (downtime per evaluation, merged over the replicas)` });
  add({ name: REPORT_SERIES.errorRate, readBy: `${report} (the request error ratio)` });
  add({ name: REPORT_SERIES.requestRate, readBy: `${report} (the request error ratio)` });
  add({ name: REPORT_SERIES.tierErrorRate, readBy: `${report} (availability and minutes affected per tier)` });
  add({ name: REPORT_SERIES.tierRequestRate, readBy: `${report} (availability per tier)` });
  add({ name: REPORT_SERIES.failedValidations, job: c.licenseApi.job, readBy: `${report} (failed validations per tier)` });
  add({ name: REPORT_SERIES.alerts, readBy: `${report} (alert effectiveness: every alert that reaches Alertmanager, the chart's too, and the inhibition sources)` });
  for (const name of longRangePanelSeries(c)) add({ name, readBy: panels });
  return [...byName.values()];
}
