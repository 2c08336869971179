// Small builders shared by the rule modules: one place decides the labels and annotations every alert
// carries, and how the license API's series are selected.
import type { StackConfig } from "../config";
import { OWNER_LABEL } from "../lib/identities";
import type { AlertingRule, RecordingRule, Severity } from "./types";

export interface AlertSpec {
  for?: string;
  /** How long the alert keeps firing once its expression stops holding (Prometheus' keep_firing_for). */
  keepFiringFor?: string;
  severity: Severity;
  summary: string;
  description: string;
  /** Anchor of the section in docs/runbooks.md that says what to check and do. */
  runbook: string;
  dashboard?: string;
  labels?: Record<string, string>;
}

export function alert(c: StackConfig, name: string, expr: string, spec: AlertSpec): AlertingRule {
  return {
    alert: name,
    expr: oneLine(expr),
    ...(spec.for && spec.for !== "0s" ? { for: spec.for } : {}),
    ...(spec.keepFiringFor && spec.keepFiringFor !== "0s" ? { keep_firing_for: spec.keepFiringFor } : {}),
    labels: { severity: spec.severity, service: c.licenseApi.service, ...OWNER_LABEL, ...spec.labels },
    annotations: {
      summary: spec.summary,
      description: spec.description,
      runbook_url: `${c.alerts.runbookBaseUrl}#${spec.runbook}`,
      ...(spec.dashboard ? { dashboard: spec.dashboard } : {}),
    },
  };
}

/**
 * The one source of an Alertmanager inhibition (lib/identities.ts, INHIBITORS): fires, without `for:`,
 * at the evaluation at which any alert `source` selects starts firing, and resolves at the one at
 * which the last of them stops. Placed after those alerts in their own group, it reads their ALERTS
 * series of the same evaluation.
 */
export function inhibitor(c: StackConfig, name: string, source: string, standsFor: string): AlertingRule {
  return alert(c, name, `max by (service, team) (ALERTS{${source}, alertstate="firing", ${ownerMatchers()}})`, {
    severity: "none",
    summary: `Inhibition source: ${standsFor} fires`,
    description: `Fires while ${standsFor} fires; it is only the source of an Alertmanager inhibition and notifies nobody.`,
    runbook: "inhibitors",
  });
}

/** Label matchers selecting this stack's own alerts (in ALERTS, say). */
export const ownerMatchers = () => Object.entries(OWNER_LABEL).map(([k, v]) => `${k}="${v}"`).join(", ");

export function record(name: string, expr: string, labels?: Record<string, string>): RecordingRule {
  return { record: name, expr: oneLine(expr), ...(labels ? { labels } : {}) };
}


/** Rule expressions are written multi-line for reading; Prometheus and the golden files get one line. */
function oneLine(expr: string): string {
  return expr.replace(/\s*\n\s*/g, " ").replace(/\(\s+/g, "(").replace(/\s+\)/g, ")").trim();
}
