// The rendered Alertmanager config, judged by amtool: it loads, and every kind of alert reaches the
// receiver it is meant for.
import { STACKS } from "../../lib/stack-file";
import { toYaml } from "../../lib/yaml";
import { parse } from "yaml";
import { alertmanagerConfig, RECEIVERS, SLACK_RECEIVERS } from "../../render/alertmanager-config";
import { INHIBITORS } from "../../lib/identities";
import { isAlert, allRuleGroups } from "../../rules";
import { renderStack } from "../../render/cli";
import { PAGERDUTY_KEY_PLACEHOLDER, PLACEHOLDER_RECEIVER_SECRETS, PLACEHOLDER_SECRETS } from "../../render/secrets";
import { SLACK_WEBHOOK_SECRETS } from "../../config";
import { seconds } from "../../lib/duration";
import { EXPECTED_ALERTS, EXPECTED_COMMON_LABELS } from "../../rules/tests/expected-alerts";
import { testStackConfig } from "../stack-config";
import { AMTOOL } from "../../tools/binaries";
import { run, writeTemp } from "../tools";

const OURS = "team=license-api";
const routes: [string, string[]][] = [
  [RECEIVERS.pagerduty, ["alertname=APIServerDown", "severity=critical", "service=license-api", OURS]],
  [RECEIVERS.pagerduty, ["alertname=HighErrorRate", "severity=critical", "service=license-api", "tier=enterprise", OURS]],
  [RECEIVERS.pagerduty, ["alertname=ErrorBudgetBurn", "severity=critical", "burn_rate=14.4x", OURS]],
  [RECEIVERS.tickets, ["alertname=ErrorBudgetBurn", "severity=ticket", "burn_rate=3x", OURS]],
  [RECEIVERS.slack, ["alertname=HighLatency", "severity=warning", "service=license-api", OURS]],
  [RECEIVERS.slack, ["alertname=SuspiciousValidationFailures", "severity=warning", OURS]],
  [RECEIVERS.heartbeat, ["alertname=Watchdog", "severity=none", OURS]],
  [RECEIVERS.none, [`alertname=${INHIBITORS.outage}`, "severity=none", "service=license-api", OURS]],
  // One of ours that is not classified still reaches the team rather than nowhere.
  [RECEIVERS.slack, ["alertname=SomethingNew", OURS]],
  // kube-prometheus-stack's alerts (no team=license-api): only the decided few page.
  [RECEIVERS.pagerduty, ["alertname=PrometheusRuleFailures", "severity=critical"]],
  [RECEIVERS.pagerduty, ["alertname=AlertmanagerClusterDown", "severity=critical"]],
  [RECEIVERS.platform, ["alertname=KubeAPIDown", "severity=critical"]],
  [RECEIVERS.platform, ["alertname=KubeletDown", "severity=critical", "service=kps-kubelet"]],
  [RECEIVERS.platform, ["alertname=KubePodCrashLooping", "severity=warning", "namespace=kube-system"]],
  [RECEIVERS.slack, ["alertname=KubePodCrashLooping", "severity=warning", "namespace=license-api"]],
  [RECEIVERS.none, ["alertname=CPUThrottlingHigh", "severity=info"]],
  // A critical alert nobody decided on reaches the platform channel, never PagerDuty.
  [RECEIVERS.platform, ["alertname=SomethingNewFromTheChart", "severity=critical"]],
  [RECEIVERS.platform, ["alertname=SomethingNewFromTheChart"]],
];

describe.each(STACKS)("alertmanager.yml of %s", (stack) => {
  const file = renderStack(stack)["alertmanager/alertmanager.yml"];
  const dir = writeTemp({ "alertmanager.yml": file });

  test("passes amtool check-config", () => {
    const r = run(AMTOOL, ["check-config", "alertmanager.yml"], dir);
    expect(r.output).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });

  test.each(routes)("routes to %s: %s", (receiver, labels) => {
    const r = run(AMTOOL, ["config", "routes", "test", "--config.file", "alertmanager.yml", `--verify.receivers=${receiver}`, ...labels], dir);
    expect(r.stdout.trim()).toBe(receiver);
    expect(r.code).toBe(0);
  });

  test("a wrong expectation fails (the check can fail)", () => {
    const r = run(AMTOOL, ["config", "routes", "test", "--config.file", "alertmanager.yml", `--verify.receivers=${RECEIVERS.slack}`, "severity=critical"], dir);
    expect(r.code).not.toBe(0);
  });

  test("holds placeholders, never secrets", () => {
    expect(file).toContain(PAGERDUTY_KEY_PLACEHOLDER);
    for (const key of SLACK_WEBHOOK_SECRETS) expect(file).toContain(PLACEHOLDER_SECRETS[key]);
    expect(file).not.toMatch(/routing_key: [0-9a-f]{32}/);
    expect(file).not.toContain("service_key");
  });

  // A Slack app's incoming webhook posts to the channel it was created for and ignores `channel`.
  test("each Slack receiver posts through its own destination's webhook, and names no channel", () => {
    const receivers = (parse(file) as { receivers: { name: string; slack_configs?: Record<string, unknown>[] }[] }).receivers;
    for (const [receiver, key] of Object.entries(SLACK_RECEIVERS)) {
      const configs = receivers.find((r) => r.name === receiver)?.slack_configs ?? [];
      expect(configs.map((s) => [s.api_url, "channel" in s])).toEqual([[PLACEHOLDER_SECRETS[key], false]]);
    }
  });
});

test("without a heartbeat URL the Watchdog goes to a receiver that drops it", () => {
  const config = testStackConfig("prod");
  const { heartbeatUrl: _none, ...withoutHeartbeat } = PLACEHOLDER_RECEIVER_SECRETS;
  const file = toYaml(alertmanagerConfig(config, withoutHeartbeat));
  const dir = writeTemp({ "alertmanager.yml": file });
  expect(run(AMTOOL, ["check-config", "alertmanager.yml"], dir).code).toBe(0);
  const r = run(AMTOOL, ["config", "routes", "test", "--config.file", "alertmanager.yml", `--verify.receivers=${RECEIVERS.none}`, "alertname=Watchdog"], dir);
  expect(r.code).toBe(0);
});

/** group_wait of the route our alerts of this severity take, in seconds. */
function groupWaitOf(am: ReturnType<typeof alertmanagerConfig>, severity: string): number {
  const route = am.route.routes.find((r) => r.matchers.includes(`severity="${severity}"`));
  if (!route || !("group_wait" in route)) throw new Error(`no route with a group_wait for severity ${severity}`);
  return seconds(route.group_wait);
}

test.each(STACKS)("%s: critical alerts wait less than warnings before notifying", (stack) => {
  const am = alertmanagerConfig(testStackConfig(stack), PLACEHOLDER_RECEIVER_SECRETS);
  expect(groupWaitOf(am, "critical")).toBeLessThan(groupWaitOf(am, "warning"));
});

test.each(STACKS)("%s: each inhibit rule has one alert of its own as its source, and every paging alert of the service is one group", (stack) => {
  const am = alertmanagerConfig(testStackConfig(stack), PLACEHOLDER_RECEIVER_SECRETS);
  expect(am.inhibit_rules.map((r) => r.source_matchers)).toEqual([[`alertname="${INHIBITORS.budgetPage}"`], [`alertname="${INHIBITORS.outage}"`]]);
  const page = am.route.routes.find((r) => r.receiver === RECEIVERS.pagerduty && r.matchers.includes('severity="critical"'));
  expect(page && "group_by" in page ? page.group_by : undefined).toEqual(["cluster", "service"]);
});

test("the group_wait comparison fails for a critical route that waits as long as the warning one", () => {
  const c = testStackConfig("prod");
  const slow = { ...c, alertmanager: { ...c.alertmanager, critical: { ...c.alertmanager.critical, groupWait: c.alertmanager.warning.groupWait } } };
  const am = alertmanagerConfig(slow, PLACEHOLDER_RECEIVER_SECRETS);
  expect(groupWaitOf(am, "critical")).toBe(groupWaitOf(am, "warning"));
});

describe.each(STACKS)("%s: every alert of ours reaches the receiver expected for it", (stack) => {
  const dir = writeTemp({ "alertmanager.yml": renderStack(stack)["alertmanager/alertmanager.yml"] });
  test.each(EXPECTED_ALERTS.map((row) => [row.alert, JSON.stringify(row.match ?? {}), row] as const))("%s %s", (_alert, _match, row) => {
    const labels = { alertname: row.alert, severity: row.severity, ...EXPECTED_COMMON_LABELS, ...row.match };
    const r = run(AMTOOL, ["config", "routes", "test", "--config.file", "alertmanager.yml", ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)], dir);
    expect(r.stdout.trim()).toBe(row.receiver);
  });
});

test.each(STACKS)("%s: the one alert name with a paging and a lesser severity is ErrorBudgetBurn, whose inhibition covers it", (stack) => {
  const severities = new Map<string, Set<string>>();
  for (const rule of allRuleGroups(testStackConfig(stack)).flatMap((g) => g.rules).filter(isAlert)) {
    severities.set(rule.alert, new Set([...(severities.get(rule.alert) ?? []), rule.labels.severity]));
  }
  const mixed = [...severities].filter(([, s]) => s.has("critical") && s.size > 1).map(([name]) => name);
  expect(mixed).toEqual(["ErrorBudgetBurn"]);
});
