// Aggregations dashboards and alerts query often. Pre-computing them keeps panels fast when the API
// exports a series per license key (thousands of them).
import type { StackConfig } from "../config";
import { record } from "./build";
import type { RuleGroup } from "./types";
import { quantileName, QUANTILES, selectors } from "../lib/identities";


export function recordingRules(c: StackConfig): RuleGroup {
  const { api } = selectors(c);
  const latency = QUANTILES.flatMap((q) => [
    record(
      `endpoint:license_validation_latency_seconds:${quantileName(q)}_5m`,
      `histogram_quantile(${q}, sum by (le, endpoint) (rate(license_validation_latency_seconds_bucket{${api}}[5m])))`,
    ),
    record(
      `license_validation_latency_seconds:${quantileName(q)}_5m`,
      `histogram_quantile(${q}, sum by (le) (rate(license_validation_latency_seconds_bucket{${api}}[5m])))`,
    ),
  ]);
  return {
    name: "license-api.recording",
    interval: c.prometheus.evaluationInterval,
    rules: [
      record("tier:license_validation_requests:rate5m", `sum by (tier) (rate(license_validation_requests_total{${api}}[5m]))`),
      record("status_tier:license_validation_requests:rate5m", `sum by (status, tier) (rate(license_validation_requests_total{${api}}[5m]))`),
      record("tier:license_validation_failed:rate5m", `sum by (tier) (rate(license_validation_requests_total{${api}, status=~"invalid|revoked"}[5m]))`),
      record("tier:license_validation_errors:rate5m", `sum by (tier) (rate(license_validation_errors_total{${api}}[5m]))`),
      record("error_type_tier:license_validation_errors:rate5m", `sum by (error_type, tier) (rate(license_validation_errors_total{${api}}[5m]))`),
      // Both sides are summed by tier first: the raw counters carry different label sets and never match.
      record("tier:license_validation_error_ratio:rate5m", "tier:license_validation_errors:rate5m / tier:license_validation_requests:rate5m"),
      ...latency,
      // The gauge is the license's count (read from Redis), the same on every replica: max, not sum.
      record("license_tenant:active_sessions:max", `max by (license_key, tenant_id) (active_sessions{${api}})`),
      record(
        "license_tenant:seat_utilisation:ratio",
        `license_tenant:active_sessions:max / ${c.licenseApi.seatLimit}`,
      ),
      record("license_tenant:seat_denials:rate5m", `sum by (license_key, tenant_id) (rate(seat_denials_total{${api}}[5m]))`),
      record(
        "seat_acquisition_latency_seconds:p95_5m",
        `histogram_quantile(0.95, sum by (le) (rate(seat_acquisition_latency_seconds_bucket{${api}}[5m])))`,
      ),
      record("operation_status:redis_operations:rate5m", `sum by (operation, status) (rate(redis_operations_total{${api}}[5m]))`),
      record(
        "operation:redis_latency_seconds:p95_5m",
        `histogram_quantile(0.95, sum by (le, operation) (rate(redis_latency_seconds_bucket{${api}}[5m])))`,
      ),
      record("table_operation:database_queries:rate5m", `sum by (table, operation) (rate(database_queries_total{${api}}[5m]))`),
      record(
        "table:database_query_latency_seconds:p95_5m",
        `histogram_quantile(0.95, sum by (le, table) (rate(database_query_latency_seconds_bucket{${api}}[5m])))`,
      ),
    ],
  };
}
