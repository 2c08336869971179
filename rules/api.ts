// The ADR's license API alerts, corrected: ratios of aggregates, quantiles of summed histograms, each
// license's own seat limit (the config's only for a license that reports none). Plus the security
// signal the ADR asks for.
import type { StackConfig } from "../config";
import { alert } from "./build";
import type { RuleGroup } from "./types";
import { LICENSE_IN_TEMPLATE, panelUrl } from "../lib/identities";

export function apiRules(c: StackConfig): RuleGroup {
  const t = c.alerts;
  const spike = t.failedValidationSpike;
  const failed = "tier:license_validation_failed:rate5m";
  return {
    name: "license-api.api",
    interval: c.prometheus.evaluationInterval,
    rules: [
      alert(c, "HighErrorRate", `tier:license_validation_error_ratio:rate5m > ${t.errorRate.threshold}`, {
        for: t.errorRate.for,
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
      alert(c, "SeatExhaustion", `license_tenant:seat_utilisation:ratio > ${t.seatUtilisation.threshold}`, {
        for: t.seatUtilisation.for,
        severity: "warning",
        summary: `License ${LICENSE_IN_TEMPLATE} near its seat limit`,
        description: `{{ $value | humanizePercentage }} of the seats of license ${LICENSE_IN_TEMPLATE} (tenant {{ $labels.tenant_id }}) are in use: its own limit, or ${c.licenseApi.seatLimit} if it reports none.`,
        runbook: "seatexhaustion",
        dashboard: panelUrl(c, "licenseApi", "seatUtilisation"),
      }),
      alert(c, "FrequentSeatDenials", `license_tenant:seat_denials:rate5m > ${t.seatDenialsPerSecond.threshold}`, {
        for: t.seatDenialsPerSecond.for,
        severity: "warning",
        summary: `Frequent seat denials for license ${LICENSE_IN_TEMPLATE}`,
        description: `{{ $value | printf "%.2f" }} seat denials per second for tenant {{ $labels.tenant_id }}.`,
        runbook: "frequentseatdenials",
        dashboard: panelUrl(c, "licenseApi", "activeSessions"),
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
