// Redis (seat state) and the database behind the license API, from the recorded series (rules/recording.ts).
import type { StackConfig } from "../config";
import { alert } from "./build";
import type { RuleGroup } from "./types";
import { panelUrl } from "../lib/identities";

export function dependencyRules(c: StackConfig): RuleGroup {
  const t = c.alerts;
  return {
    name: "license-api.dependencies",
    interval: c.prometheus.evaluationInterval,
    rules: [
      alert(c, "RedisConnectionFailures", `sum(operation_status:redis_operations:rate5m{status="error"}) > ${t.redisErrorsPerSecond.threshold}`, {
        for: t.redisErrorsPerSecond.for,
        severity: "critical",
        summary: "Redis operations failing",
        description: `{{ $value | printf "%.2f" }} Redis errors per second: seat acquisition and release depend on Redis.`,
        runbook: "redisconnectionfailures",
        dashboard: panelUrl(c, "dependencies", "redisErrors"),
      }),
      // >=, not >: histogram_quantile reports a quantile beyond the highest finite bucket as that
      // bound, and the ADR's highest database bucket is 0.5 s, the threshold itself.
      alert(c, "DatabaseSlowQueries", `table:database_query_latency_seconds:p95_5m >= ${t.databaseP95Seconds.threshold}`, {
        for: t.databaseP95Seconds.for,
        severity: "warning",
        summary: "Slow database queries on table {{ $labels.table }}",
        description: `p95 query latency on {{ $labels.table }} is {{ $value | humanizeDuration }} (threshold ${t.databaseP95Seconds.threshold}s).`,
        runbook: "databaseslowqueries",
        dashboard: panelUrl(c, "dependencies", "databaseLatency"),
      }),
    ],
  };
}
