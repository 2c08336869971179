// What each alert of ours must say and where it must go, written by hand and independent of the rule
// code: the promtool cases expect these labels (so a rule with the wrong severity fails its test), and
// the routing tests send these label sets through amtool (so the route a severity takes is checked
// for every alert). A new alert needs a row here.
import type { Labels } from "./promtool";

export type Receiver = "pagerduty" | "slack" | "slack-tickets" | "heartbeat" | "null";

export interface ExpectedAlertRow {
  alert: string;
  /** Static labels that tell apart rules sharing an alert name. */
  match?: Labels;
  severity: "critical" | "warning" | "ticket" | "none";
  receiver: Receiver;
}

/** Every alert of ours carries these; the literal values, not the config's. */
export const EXPECTED_COMMON_LABELS = { service: "license-api", team: "license-api" } as const;

export const EXPECTED_ALERTS: ExpectedAlertRow[] = [
  { alert: "APIServerDown", match: { signal: "probe" }, severity: "critical", receiver: "pagerduty" },
  { alert: "APIServerDown", match: { signal: "targets" }, severity: "critical", receiver: "pagerduty" },
  { alert: "APIServerDown", match: { signal: "public" }, severity: "critical", receiver: "pagerduty" },
  { alert: "APIServerDownInhibitor", severity: "none", receiver: "null" },
  { alert: "ErrorBudgetBurnInhibitor", severity: "none", receiver: "null" },
  { alert: "ErrorBudgetBurn", match: { burn_rate: "14.4x" }, severity: "critical", receiver: "pagerduty" },
  { alert: "ErrorBudgetBurn", match: { burn_rate: "6x" }, severity: "critical", receiver: "pagerduty" },
  { alert: "ErrorBudgetBurn", match: { burn_rate: "3x" }, severity: "ticket", receiver: "slack-tickets" },
  { alert: "ErrorBudgetBurn", match: { burn_rate: "1x" }, severity: "ticket", receiver: "slack-tickets" },
  { alert: "HighErrorRate", severity: "critical", receiver: "pagerduty" },
  { alert: "RedisConnectionFailures", severity: "critical", receiver: "pagerduty" },
  { alert: "SLIMetricsAbsent", severity: "warning", receiver: "slack" },
  { alert: "HighLatency", severity: "warning", receiver: "slack" },
  { alert: "SeatExhaustion", severity: "warning", receiver: "slack" },
  { alert: "FrequentSeatDenials", severity: "warning", receiver: "slack" },
  { alert: "SuspiciousValidationFailures", severity: "warning", receiver: "slack" },
  { alert: "DatabaseSlowQueries", severity: "warning", receiver: "slack" },
  { alert: "HighCPUUsage", severity: "warning", receiver: "slack" },
  { alert: "HighMemoryUsage", severity: "warning", receiver: "slack" },
  { alert: "SeatLimitForecast", severity: "warning", receiver: "slack" },
  { alert: "APIMetricsSeriesGrowth", severity: "warning", receiver: "slack" },
  { alert: "APIMetricsSampleLimit", severity: "warning", receiver: "slack" },
  { alert: "CPUSaturationForecast", severity: "warning", receiver: "slack" },
  { alert: "MemorySaturationForecast", severity: "warning", receiver: "slack" },
  { alert: "Watchdog", severity: "none", receiver: "heartbeat" },
];

/** The row of an alert with these labels; throws for an alert nobody wrote a row for. */
export function expectedRow(alert: string, labels: Labels): ExpectedAlertRow {
  const rows = EXPECTED_ALERTS.filter((r) => r.alert === alert && Object.entries(r.match ?? {}).every(([k, v]) => labels[k] === v));
  if (rows.length !== 1) throw new Error(`${rows.length} rows in rules/tests/expected-alerts.ts match ${alert} ${JSON.stringify(labels)}`);
  return rows[0];
}
