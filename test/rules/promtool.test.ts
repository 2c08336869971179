// The rendered rules of each stack, judged by the real promtool: they load, every unit test in
// rules/tests passes, and every alert has a test where it fires and one where it stays silent.
import { seconds } from "../../lib/duration";
import { STACKS } from "../../lib/stack-file";
import { toYaml } from "../../lib/yaml";
import { renderStack } from "../../render/cli";
import { isAlert, allRuleGroups, type AlertingRule } from "../../rules";
import { promtoolTestFiles } from "../../rules/tests";
import { HEALTHY_SWEEP } from "../../rules/tests/healthy";
import { RULES_FILE, type PromtoolTestFile } from "../../rules/tests/promtool";
import { PROMTOOL } from "../../tools/binaries";
import { run, writeTemp } from "../tools";
import { testStackConfig } from "../stack-config";

const ruleId = (r: AlertingRule) => [r.alert, ...Object.entries(r.labels).map(([k, v]) => `${k}=${v}`)].join(" ");
const isOfRule = (r: AlertingRule, labels: Record<string, string>) => Object.entries(r.labels).every(([k, v]) => labels[k] === v);

/**
 * Per alerting rule: test groups that see it fire, and groups where it stays silent past its `for:`.
 * The healthy sweep checks every alert at once and is no case written for a particular alert, so its
 * silent checks do not count.
 */
function coverage(rules: AlertingRule[], files: PromtoolTestFile[]) {
  const result = new Map(rules.map((r) => [ruleId(r), { firing: [] as string[], silent: [] as string[] }]));
  for (const group of files.flatMap((f) => f.tests)) {
    const sweep = group.name.startsWith(HEALTHY_SWEEP);
    for (const rule of rules) {
      const checks = (group.alert_rule_test ?? []).filter((t) => t.alertname === rule.alert);
      const fires = checks.some((t) => t.exp_alerts.some((a) => isOfRule(rule, a.exp_labels)));
      const quietPastFor = checks.some((t) => seconds(t.eval_time) >= seconds(rule.for ?? "0s"));
      if (fires) result.get(ruleId(rule))!.firing.push(group.name);
      else if (quietPastFor && !sweep) result.get(ruleId(rule))!.silent.push(group.name);
    }
  }
  return result;
}

describe.each(STACKS)("prometheus rules of %s", (stack) => {
  const config = testStackConfig(stack);
  const artifacts = renderStack(stack);
  const tests = promtoolTestFiles(config);
  const dir = writeTemp({
    // Every group wherever a stack evaluates it (rules/index.ts, placedRuleGroups): the cases of the
    // groups the managed rule evaluator may run hold in either placement.
    [RULES_FILE]: toYaml({ groups: allRuleGroups(config) }),
    ...Object.fromEntries(Object.entries(tests).map(([name, file]) => [name, toYaml(file)])),
  });
  const alerts = allRuleGroups(config)
    .flatMap((g) => g.rules)
    .filter(isAlert);

  test("pass promtool check rules", () => {
    const r = run(PROMTOOL, ["check", "rules", RULES_FILE], dir);
    expect(r.output).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });

  test("pass promtool test rules", () => {
    const r = run(PROMTOOL, ["test", "rules", ...Object.keys(tests)], dir);
    if (r.code !== 0) throw new Error(`promtool test rules failed:\n${r.output}`);
  });

  test("every alerting rule has a promtool case where it fires", () => {
    const missing = [...coverage(alerts, Object.values(tests))].filter(([, c]) => c.firing.length === 0).map(([id]) => id);
    expect(missing).toEqual([]);
  });

  test("every alerting rule has a promtool case where it stays silent past its for:", () => {
    const missing = [...coverage(alerts, Object.values(tests))]
      .filter(([, c]) => c.silent.length === 0)
      .map(([id]) => id);
    expect(missing).toEqual([]);
  });

  test("the healthy sweep is no silent case of its own: an alert checked only there has none", () => {
    const sweep = Object.values(tests).flatMap((f) => f.tests).find((g) => g.name.startsWith(HEALTHY_SWEEP))!;
    const rule: AlertingRule = { ...alerts[0], alert: "OnlyInTheSweep" };
    const withSweepCheck = { ...sweep, alert_rule_test: [...(sweep.alert_rule_test ?? []), { eval_time: "1h", alertname: rule.alert, exp_alerts: [] }] };
    const file = { ...Object.values(tests)[0], tests: [withSweepCheck] };
    expect(coverage([rule], [file]).get(ruleId(rule))).toEqual({ firing: [], silent: [] });
  });

  test("the coverage check notices an alert without tests", () => {
    const untested: AlertingRule = { ...alerts[0], alert: "Untested" };
    const c = coverage([untested], Object.values(tests)).get(ruleId(untested));
    expect(c).toEqual({ firing: [], silent: [] });
  });

  test("APIServerDown fires in tests at the outage group's own evaluation interval only", () => {
    const outage = allRuleGroups(config).find((g) => g.rules.some((r) => isAlert(r) && r.alert === "APIServerDown"));
    const files = Object.values(tests).filter((f) =>
      f.tests.some((g) => g.alert_rule_test?.some((t) => t.alertname === "APIServerDown" && t.exp_alerts.length > 0)),
    );
    expect(files.map((f) => f.evaluation_interval)).toEqual([outage?.interval]);
  });

  test("the prometheus.yml it belongs to passes promtool check config", () => {
    const targets = JSON.stringify([{ targets: [`${config.licenseApi.service}:${config.licenseApi.metricsPort}`], labels: {} }]);
    const configDir = writeTemp({
      "prometheus.yml": artifacts["prometheus/prometheus.yml"],
      [RULES_FILE]: artifacts["prometheus/rules.yml"],
      "targets/license-api.json": targets,
    });
    const r = run(PROMTOOL, ["check", "config", "prometheus.yml"], configDir);
    expect(r.output).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });
});
