// The rendered Alertmanager config, judged by amtool: it loads, and every kind of alert reaches the
// receiver it is meant for.
import { parseConfig, NAMESPACE } from "../../config";
import { readStackConfig, STACKS } from "../../lib/stack-file";
import { toYaml } from "../../lib/yaml";
import { alertmanagerConfig, RECEIVERS } from "../../render/alertmanager-config";
import { renderStack } from "../../render/cli";
import { PAGERDUTY_KEY_PLACEHOLDER } from "../../render/secrets";
import { TEST_SECRETS } from "../harness";
import { run, writeTemp } from "../tools";

const routes: [string, string[]][] = [
  [RECEIVERS.pagerduty, ["alertname=APIServerDown", "severity=critical", "service=license-api"]],
  [RECEIVERS.pagerduty, ["alertname=HighErrorRate", "severity=critical", "service=license-api", "tier=enterprise"]],
  [RECEIVERS.pagerduty, ["alertname=ErrorBudgetBurn", "severity=critical", "burn_rate=14.4x"]],
  [RECEIVERS.tickets, ["alertname=ErrorBudgetBurn", "severity=ticket", "burn_rate=3x"]],
  [RECEIVERS.slack, ["alertname=HighLatency", "severity=warning", "service=license-api"]],
  [RECEIVERS.slack, ["alertname=SuspiciousValidationFailures", "severity=warning"]],
  [RECEIVERS.heartbeat, ["alertname=Watchdog", "severity=none"]],
  // Anything unclassified still reaches a human rather than nowhere.
  [RECEIVERS.slack, ["alertname=SomethingNew"]],
];

describe.each(STACKS)("alertmanager.yml of %s", (stack) => {
  const file = renderStack(stack)["alertmanager/alertmanager.yml"];
  const dir = writeTemp({ "alertmanager.yml": file });

  test("passes amtool check-config", () => {
    const r = run("amtool", ["check-config", "alertmanager.yml"], dir);
    expect(r.output).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });

  test.each(routes)("routes to %s: %s", (receiver, labels) => {
    const r = run("amtool", ["config", "routes", "test", "--config.file", "alertmanager.yml", `--verify.receivers=${receiver}`, ...labels], dir);
    expect(r.stdout.trim()).toBe(receiver);
    expect(r.code).toBe(0);
  });

  test("a wrong expectation fails (the check can fail)", () => {
    const r = run("amtool", ["config", "routes", "test", "--config.file", "alertmanager.yml", `--verify.receivers=${RECEIVERS.slack}`, "severity=critical"], dir);
    expect(r.code).not.toBe(0);
  });

  test("holds placeholders, never secrets", () => {
    expect(file).toContain(PAGERDUTY_KEY_PLACEHOLDER);
    expect(file).toContain("https://secret.invalid/slackWebhookUrl");
    expect(file).not.toMatch(/routing_key: [0-9a-f]{32}/);
    expect(file).not.toContain("service_key");
  });
});

test("without a heartbeat URL the Watchdog goes to a receiver that drops it", () => {
  const raw = readStackConfig("prod");
  for (const [k, v] of Object.entries(TEST_SECRETS)) raw[`${NAMESPACE}:${k}`] = v;
  const { config } = parseConfig(raw);
  const file = toYaml(alertmanagerConfig(config, { pagerdutyRoutingKey: PAGERDUTY_KEY_PLACEHOLDER, slackWebhookUrl: TEST_SECRETS.slackWebhookUrl }));
  const dir = writeTemp({ "alertmanager.yml": file });
  expect(run("amtool", ["check-config", "alertmanager.yml"], dir).code).toBe(0);
  const r = run("amtool", ["config", "routes", "test", "--config.file", "alertmanager.yml", `--verify.receivers=${RECEIVERS.none}`, "alertname=Watchdog"], dir);
  expect(r.code).toBe(0);
});

test("critical alerts wait less than warnings before notifying", () => {
  for (const stack of STACKS) {
    const raw = readStackConfig(stack);
    for (const [k, v] of Object.entries(TEST_SECRETS)) raw[`${NAMESPACE}:${k}`] = v;
    const { config } = parseConfig(raw);
    const am = alertmanagerConfig(config, { pagerdutyRoutingKey: "k", slackWebhookUrl: TEST_SECRETS.slackWebhookUrl });
    const critical = am.route.routes.find((r) => r.receiver === RECEIVERS.pagerduty)!;
    expect(critical.group_wait).toBe(config.alertmanager.critical.groupWait);
    expect(am.inhibit_rules.map((r) => r.source_matchers[0])).toEqual(['severity="critical"', 'alertname="APIServerDown"']);
  }
});
