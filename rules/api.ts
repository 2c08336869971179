// The ADR's license API alerts, corrected: ratios of aggregates, quantiles of summed histograms. Plus
// the security signal the ADR asks for. The ADR's per-license seat alerts are in rules/per-license.ts.
import type { StackConfig } from "../config";
import { alert } from "./build";
import type { RuleGroup } from "./types";
import { FASTEST_PAGING_BURN, panelUrl } from "../lib/identities";

export function apiRules(c: StackConfig): RuleGroup {
  const t = c.alerts;
  const spike = t.failedValidationSpike;
  const failed = "tier:license_validation_failed:rate5m";
  return {
    name: "license-api.api",
    interval: c.prometheus.evaluationInterval,
    rules: [
      // Held for the fastest burn's short window once the ratio falls back: in an episode whose 5m ratio
      // drops below the threshold before the hour's burn crosses its own (a share just above the
      // threshold, for about as long as the burn needs), the burn begins within that window, and the
      // held alert keeps the service's one incident open until it does (rules/tests/episodes.ts).
      alert(c, "HighErrorRate", `tier:license_validation_error_ratio:rate5m > ${t.errorRate.threshold}`, {
        for: t.errorRate.for,
        keepFiringFor: FASTEST_PAGING_BURN.short,
        severity: "critical",
        summary: "High license validation error rate for tier {{ $labels.tier }}",
        description: `{{ $value | humanizePercentage }} of {{ $labels.tier }} license validations are failing (threshold ${t.errorRate.threshold * 100}%).`,
        runbook: "higherrorrate",
        dashboard: panelUrl(c, "licenseApi", "errorRatio"),
      }),
      alert(c, "HighLatency", `license_validation_latency_seconds:p95_5m > ${t.latencyP95Seconds.threshold}`, {
        for: t.latencyP95Seconds.for,
        severity: "warning",
        summary: "High license validation latency",
        description: `p95 license validation latency is {{ $value | humanizeDuration }} (target: under ${t.latencyP95Seconds.threshold}s).`,
        runbook: "highlatency",
        dashboard: panelUrl(c, "licenseApi", "latency"),
      }),
      alert(
        c,
        "SuspiciousValidationFailures",
        // The baseline averages the recorded per-tier rate: a day of raw per-license counters is too heavy.
        `${failed} > ${spike.factor} * avg_over_time(${failed}[${spike.baseline}]) and ${failed} > ${spike.minPerSecond}`,
        {
          for: spike.for,
          severity: "warning",
          summary: "Spike of invalid or revoked license keys for tier {{ $labels.tier }}",
          description: `{{ $value | printf "%.2f" }} failed validations per second (invalid or revoked keys), more than ${spike.factor}x the ${spike.baseline} average: possible key guessing or a leaked, revoked key in use.`,
          runbook: "suspiciousvalidationfailures",
          dashboard: panelUrl(c, "licenseApi", "validationFailures"),
        },
      ),
    ],
  };
}
