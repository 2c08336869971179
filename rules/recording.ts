// Aggregations the alerts, the SLO rules and the dashboards read. Each raw series is read by one rule
// only, at the finest aggregation any consumer needs; everything coarser is derived from that recorded
// series (in the same group, evaluated in order, so at the same timestamp). A raw read costs one step
// per series the API exports, which with a per-license label is per license; a derived read costs one
// step per status and tier. The per-license series are recorded by rules/per-license.ts, at their own
// cadence.
import type { StackConfig } from "../config";
import { record } from "./build";
import type { RuleGroup } from "./types";
import { quantileName, QUANTILES, selectors } from "../lib/identities";

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
      // The one read of the raw request counter (a series per license under ADR-019's labels): by
      // replica too, so the dashboard's per-replica panel reads a few series, not every license's.
      record(
        "instance_status_tier:license_validation_requests:rate5m",
        `sum by (instance, status, tier) (rate(license_validation_requests_total{${api}}[5m]))`,
      ),
      record("status_tier:license_validation_requests:rate5m", "sum by (status, tier) (instance_status_tier:license_validation_requests:rate5m)"),
      record("error_type_tier:license_validation_errors:rate5m", `sum by (error_type, tier) (rate(license_validation_errors_total{${api}}[5m]))`),
      record("tier:license_validation_requests:rate5m", "sum by (tier) (status_tier:license_validation_requests:rate5m)"),
      record("tier:license_validation_failed:rate5m", `sum by (tier) (status_tier:license_validation_requests:rate5m{status=~"invalid|revoked"})`),
      // The error counter appears at a tier's first failed validation (docs/metrics.md): a tier with
      // validations and none failed has failed none, which the ratio, the SLI and the report read as 0.
      record(
        "tier:license_validation_errors:rate5m",
        "sum by (tier) (error_type_tier:license_validation_errors:rate5m) or 0 * tier:license_validation_requests:rate5m",
      ),
      // Both sides are summed by tier first: the raw counters carry different label sets and never match.
      record("tier:license_validation_error_ratio:rate5m", "tier:license_validation_errors:rate5m / tier:license_validation_requests:rate5m"),
      record(LATENCY_BUCKETS, `sum by (le, endpoint) (rate(license_validation_latency_seconds_bucket{${api}}[5m]))`),
      ...latency,
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
