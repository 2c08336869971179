// ADR-019's alert rules as the ADR writes them (section 4, monitoring/prometheus/alerts.yml), the
// baseline the scale benchmark runs beside this stack's rules. They are what the ADR costs, defects
// included (unaggregated ratios, quantiles of unsummed histograms, a fixed 50 seats): correct or not,
// Prometheus evaluates them at these intervals.
import type { RuleGroup } from "../rules";

const labels = (severity: "critical" | "warning") => ({ severity });
const annotations = (summary: string) => ({ summary, description: summary, runbook_url: "" });

export const ADR_RULES: RuleGroup[] = [
  {
    name: "license_api",
    interval: "30s",
    rules: [
      { alert: "HighErrorRate", expr: "(rate(license_validation_errors_total[5m]) / rate(license_validation_requests_total[5m])) > 0.05", for: "5m", labels: labels("critical"), annotations: annotations("High license validation error rate") },
      { alert: "HighLatency", expr: "histogram_quantile(0.95, rate(license_validation_latency_seconds_bucket[5m])) > 1.0", for: "5m", labels: labels("warning"), annotations: annotations("High license validation latency") },
      { alert: "SeatExhaustion", expr: "(active_sessions / 50) > 0.9", for: "10m", labels: labels("warning"), annotations: annotations("License near seat limit") },
      { alert: "FrequentSeatDenials", expr: "rate(seat_denials_total[5m]) > 1", for: "5m", labels: labels("warning"), annotations: annotations("Frequent seat denials") },
      { alert: "RedisConnectionFailures", expr: 'rate(redis_operations_total{status="error"}[5m]) > 0.1', for: "2m", labels: labels("critical"), annotations: annotations("Redis connection failures detected") },
      { alert: "DatabaseSlowQueries", expr: "histogram_quantile(0.95, rate(database_query_latency_seconds_bucket[5m])) > 0.5", for: "10m", labels: labels("warning"), annotations: annotations("Database queries running slow") },
    ],
  },
  {
    name: "infrastructure",
    interval: "60s",
    rules: [
      { alert: "APIServerDown", expr: 'up{job="license-api"} == 0', for: "1m", labels: labels("critical"), annotations: annotations("License API server is down") },
      { alert: "HighCPUUsage", expr: 'avg(rate(container_cpu_usage_seconds_total{pod=~"license-api.*"}[5m])) * 100 > 80', for: "10m", labels: labels("warning"), annotations: annotations("High CPU usage on license API") },
      { alert: "HighMemoryUsage", expr: '(container_memory_working_set_bytes{pod=~"license-api.*"} / container_spec_memory_limit_bytes{pod=~"license-api.*"}) > 0.85', for: "5m", labels: labels("warning"), annotations: annotations("High memory usage on license API") },
    ],
  },
];
