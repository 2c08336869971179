// What the license API depends on: Redis (seat state) and the database, from the recording rules.
import type { StackConfig } from "../config";
import { buildDashboard, Layout, orZeroWhere, panels, timeSeriesPanel, type DashboardModel } from "./common";
import { DASHBOARDS } from "../lib/identities";

const P = DASHBOARDS.dependencies.panels;

export function dependenciesDashboard(c: StackConfig): DashboardModel {
  const t = c.alerts;
  const layout = new Layout();
  const redisOps = "operation_status:redis_operations:rate5m";
  return buildDashboard(c, {
    key: "dependencies",
    title: "License API dependencies",
    description: "Redis (seat acquisition and release) and the database behind the license API.",
    variables: [],
    panels: panels(layout, [
      [
        timeSeriesPanel,
        {
          id: P.redisOperations,
          title: "Redis operations by operation",
          description: "Redis operations per second issued by the license API, by operation.",
          unit: "ops",
          min: 0,
          queries: [{ expr: `sum by (operation) (${redisOps})`, legend: "{{operation}}" }],
        },
      ],
      [
        timeSeriesPanel,
        {
          id: P.redisErrors,
          title: "Redis errors",
          description: `Failed Redis operations per second. RedisConnectionFailures fires when the total stays above ${t.redisErrorsPerSecond.threshold}/s for ${t.redisErrorsPerSecond.for}.`,
          unit: "ops",
          min: 0,
          steps: [[t.redisErrorsPerSecond.threshold, "red"]],
          queries: [
            { expr: orZeroWhere(`sum(${redisOps}{status="error"})`, `sum(${redisOps})`), legend: "total" },
            { expr: orZeroWhere(`sum by (operation) (${redisOps}{status="error"})`, `sum by (operation) (${redisOps})`), legend: "{{operation}}" },
          ],
        },
      ],
      [
        timeSeriesPanel,
        {
          id: P.redisLatency,
          title: "Redis p95 latency by operation",
          description: "p95 Redis latency per operation, from the histogram summed by le across replicas.",
          unit: "s",
          min: 0,
          queries: [{ expr: "operation:redis_latency_seconds:p95_5m", legend: "{{operation}}" }],
        },
      ],
      [
        timeSeriesPanel,
        {
          id: P.databaseLatency,
          title: "Database p95 query latency by table",
          description: `p95 query latency per table. DatabaseSlowQueries fires above ${t.databaseP95Seconds.threshold}s for ${t.databaseP95Seconds.for}.`,
          unit: "s",
          min: 0,
          steps: [[t.databaseP95Seconds.threshold, "red"]],
          queries: [{ expr: "table:database_query_latency_seconds:p95_5m", legend: "{{table}}" }],
        },
      ],
      [
        timeSeriesPanel,
        {
          id: 5,
          title: "Database queries by table",
          description: "Queries per second, by table.",
          unit: "ops",
          min: 0,
          queries: [{ expr: "sum by (table) (table_operation:database_queries:rate5m)", legend: "{{table}}" }],
        },
      ],
      [
        timeSeriesPanel,
        {
          id: 6,
          title: "Seat acquisition p95 latency",
          description: "p95 time to acquire a seat (a Redis round trip and the license lookup).",
          unit: "s",
          min: 0,
          queries: [{ expr: "seat_acquisition_latency_seconds:p95_5m", legend: "p95" }],
        },
      ],
    ]),
  });
}
