// Aggregations the alerts, the SLO rules and the dashboards read. Each raw series is read by one rule
// only, at the finest aggregation any consumer needs; everything coarser is derived from that recorded
// series (in the same group, evaluated in order, so at the same timestamp). A raw read costs one step
// per series the API exports, which with a per-license label is per license; a derived read costs one
// step per status and tier.
import type { StackConfig } from "../config";
import { record } from "./build";
import type { RuleGroup } from "./types";
import { PER_LICENSE, quantileName, QUANTILES, selectors } from "../lib/identities";

/** The recorded 5m rate of the validation latency buckets, by endpoint: every latency quantile reads it. */
const LATENCY_BUCKETS = "le_endpoint:license_validation_latency_seconds_bucket:rate5m";

export function recordingRules(c: StackConfig): RuleGroup {
  const { api } = selectors(c);
  const latency = QUANTILES.flatMap((q) => [
    record(`endpoint:license_validation_latency_seconds:${quantileName(q)}_5m`, `histogram_quantile(${q}, ${LATENCY_BUCKETS})`),
    record(`license_validation_latency_seconds:${quantileName(q)}_5m`, `histogram_quantile(${q}, sum by (le) (${LATENCY_BUCKETS}))`),
  ]);
  return {
    name: "license-api.recording",
    interval: c.prometheus.evaluationInterval,
    rules: [
      // The only reads of the two validation counters.
      record("status_tier:license_validation_requests:rate5m", `sum by (status, tier) (rate(license_validation_requests_total{${api}}[5m]))`),
      record("error_type_tier:license_validation_errors:rate5m", `sum by (error_type, tier) (rate(license_validation_errors_total{${api}}[5m]))`),
      record("tier:license_validation_requests:rate5m", "sum by (tier) (status_tier:license_validation_requests:rate5m)"),
      record("tier:license_validation_failed:rate5m", `sum by (tier) (status_tier:license_validation_requests:rate5m{status=~"invalid|revoked"})`),
      record("tier:license_validation_errors:rate5m", "sum by (tier) (error_type_tier:license_validation_errors:rate5m)"),
      // Both sides are summed by tier first: the raw counters carry different label sets and never match.
      record("tier:license_validation_error_ratio:rate5m", "tier:license_validation_errors:rate5m / tier:license_validation_requests:rate5m"),
      record(LATENCY_BUCKETS, `sum by (le, endpoint) (rate(license_validation_latency_seconds_bucket{${api}}[5m]))`),
      ...latency,
      // Per license: the only series whose alerts are about one license. The gauge is the license's
      // count (read from Redis), the same on every replica: max, not sum.
      record("license_tenant:active_sessions:max", `max by (${PER_LICENSE}) (active_sessions{${api}})`),
      // Each license's own seat limit; the config's only for a license that reports none (or 0).
      record(
        "license_tenant:seat_limit:effective",
        `max by (${PER_LICENSE}) (license_seat_limit{${api}} > 0)
         or license_tenant:active_sessions:max * 0 + ${c.licenseApi.seatLimit}`,
      ),
      record("license_tenant:seat_utilisation:ratio", "license_tenant:active_sessions:max / license_tenant:seat_limit:effective"),
      record("license_tenant:seat_denials:rate5m", `sum by (${PER_LICENSE}) (rate(seat_denials_total{${api}}[5m]))`),
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
