// The 99.9 % availability SLO as multi-window, multi-burn-rate alerts (Google SRE workbook, ch. 5).
// The SLI counts validations the API failed to complete (license_validation_errors_total) against
// all validations; an invalid or revoked key is a correct answer, not an error.
import type { StackConfig } from "../config";
import { alert, record } from "./build";
import type { RuleGroup } from "./types";
import { BURN_RATES, errorBudget, panelUrl, roundFigure, selectors, SLI_WINDOWS, sliRatio, SLO_NAME } from "../lib/identities";

const SLI_ERRORS_RATE = "slo:sli_errors:rate5m";
const SLI_REQUESTS_RATE = "slo:sli_requests:rate5m";


export function sloRules(c: StackConfig): RuleGroup {
  const { api } = selectors(c);
  const target = c.slo.availabilityTarget;
  const budget = errorBudget(c);
  const labels = { slo: SLO_NAME };
  // Only the 5m rates read the raw counters, which carry a series per license key. Longer windows
  // re-read those two aggregated series: the ratio of summed rates is the traffic-weighted error ratio
  // over the window, at a tiny fraction of the cost of rate(...[3d]) over every license's series.
  const errors5m = record(SLI_ERRORS_RATE, `sum(rate(license_validation_errors_total{${api}}[5m]))`, labels);
  const requests5m = record(SLI_REQUESTS_RATE, `sum(rate(license_validation_requests_total{${api}}[5m]))`, labels);
  const windows = [...SLI_WINDOWS, c.slo.window].map((w) =>
    record(
      sliRatio(w),
      w === "5m"
        ? `${SLI_ERRORS_RATE}{slo="${SLO_NAME}"} / ${SLI_REQUESTS_RATE}{slo="${SLO_NAME}"}`
        : `sum_over_time(${SLI_ERRORS_RATE}{slo="${SLO_NAME}"}[${w}]) / sum_over_time(${SLI_REQUESTS_RATE}{slo="${SLO_NAME}"}[${w}])`,
      labels,
    ),
  );
  const burns = BURN_RATES.map((b) => {
    const threshold = roundFigure(b.factor * budget);
    return alert(
      c,
      "ErrorBudgetBurn",
      `${sliRatio(b.long)}{slo="${SLO_NAME}"} > ${threshold} and ${sliRatio(b.short)}{slo="${SLO_NAME}"} > ${threshold}`,
      {
        for: b.for,
        severity: b.severity,
        summary: `License validation error budget burning ${b.factor}x too fast`,
        description: `Over the last ${b.long} (and ${b.short}) {{ $value | humanizePercentage }} of license validations failed; at ${b.factor}x the ${c.slo.window} budget of ${roundFigure(budget * 100)}% lasts ${roundFigure(Number(c.slo.window.replace("d", "")) / b.factor)} days.`,
        runbook: "errorbudgetburn",
        dashboard: panelUrl(c, "slo", "burnRates"),
        labels: { ...labels, burn_rate: `${b.factor}x`, long_window: b.long, short_window: b.short },
      },
    );
  });
  return {
    name: "license-api.slo",
    interval: c.prometheus.evaluationInterval,
    rules: [
      errors5m,
      requests5m,
      ...windows,
      record("slo:objective:ratio", `vector(${target})`, labels),
      record("slo:error_budget:remaining_ratio", `1 - ${sliRatio(c.slo.window)}{slo="${SLO_NAME}"} / ${budget}`, labels),
      ...burns,
      alert(c, "SLIMetricsAbsent", `absent(license_validation_requests_total{${api}})`, {
        for: "5m",
        severity: "warning",
        summary: "The license API exports no validation metrics",
        description: "license_validation_requests_total is absent: the SLO and every burn-rate alert are blind. A dead API exports nothing, so this also fires during an outage (where APIServerDown inhibits it).",
        runbook: "slimetricsabsent",
      }),
    ],
  };
}
