// Which receiver an alert reaches, decided by the stack's own Alertmanager routing tree (the renderer's,
// not a copy of it): first matching child route wins, as in Alertmanager without `continue`.
import type { StackConfig } from "../config";
import { alertmanagerConfig } from "../render/alertmanager-config";
import { PAGERDUTY_KEY_PLACEHOLDER, PLACEHOLDER_SECRETS } from "../render/secrets";

interface Route {
  receiver?: string;
  matchers?: string[];
  routes?: Route[];
}

/** One Alertmanager matcher: label, operator (=, !=, =~, !~) and value (regular expressions anchored). */
export function matches(matcher: string, labels: Record<string, string>): boolean {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(matcher);
  if (!m) throw new Error(`unsupported matcher: ${matcher}`);
  const [, label, op, raw] = m;
  const value = raw.replace(/\\(.)/g, "$1");
  const actual = labels[label] ?? "";
  switch (op) {
    case "=":
      return actual === value;
    case "!=":
      return actual !== value;
    case "=~":
      return new RegExp(`^(?:${value})$`).test(actual);
    default:
      return !new RegExp(`^(?:${value})$`).test(actual);
  }
}

function receiverIn(route: Route, labels: Record<string, string>, inherited: string): string {
  const own = route.receiver ?? inherited;
  for (const child of route.routes ?? []) {
    if ((child.matchers ?? []).every((m) => matches(m, labels))) return receiverIn(child, labels, own);
  }
  return own;
}

export function receiverOf(c: StackConfig): (labels: Record<string, string>) => string {
  const config = alertmanagerConfig(c, {
    pagerdutyRoutingKey: PAGERDUTY_KEY_PLACEHOLDER,
    slackWebhookUrl: PLACEHOLDER_SECRETS.slackWebhookUrl,
    heartbeatUrl: PLACEHOLDER_SECRETS.heartbeatUrl,
  });
  const root = config.route as Route;
  return (labels) => receiverIn(root, labels, root.receiver ?? "");
}
