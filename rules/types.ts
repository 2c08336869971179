// The shape of Prometheus rule files, typed so that a rule cannot be missing what routing and
// runbooks rely on.

export type Severity = "critical" | "warning" | "ticket" | "none";

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  /** How long the alert stays firing after its expression stops holding (keep_firing_for, Prometheus 2.42 and later). */
  keep_firing_for?: string;
  labels: { severity: Severity } & Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string } & Record<string, string>;
}

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export type Rule = AlertingRule | RecordingRule;

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

export const isAlert = (rule: Rule): rule is AlertingRule => "alert" in rule;
