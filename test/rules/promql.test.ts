// Every rule expression, read by Prometheus' own PromQL grammar: it parses, and it names only metrics
// of the metric contract or of recording rules. Every alert carries what routing and on-call need,
// and its runbook link lands on a section of docs/runbooks.md. docs/metrics.md mirrors the contract.
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT, STACKS } from "../../lib/stack-file";
import { renderDashboards } from "../../dashboards";
import { isAlert, allRuleGroups } from "../../rules";
import { METRIC_CONTRACT, seriesNames } from "../../rules/metric-contract";
import { headingAnchors } from "../docs/markdown";
import { parsePromql } from "../grafana/promql";
import { managedEvaluatorConfig, testStackConfig } from "../stack-config";

const doc = (name: string) => fs.readFileSync(path.join(PROJECT_ROOT, "docs", name), "utf8");

// Each stack as its file says, and with the per-license groups on the managed rule evaluator, which adds a rule of its own.
const placements = STACKS.flatMap((stack) => [
  [stack, testStackConfig(stack)],
  [`${stack}, groups on the managed evaluator`, managedEvaluatorConfig(stack)],
] as const);

describe.each(placements)("rule expressions of %s", (_name, c) => {
  const rules = allRuleGroups(c).flatMap((g) => g.rules);
  const alerts = rules.filter(isAlert);
  const recorded = new Set(rules.flatMap((r) => (isAlert(r) ? [] : [r.record])));
  const known = new Set([...METRIC_CONTRACT.flatMap(seriesNames), ...recorded]);
  const named = rules.map((r) => [isAlert(r) ? r.alert : r.record, r.expr] as const);

  test.each(named)("%s parses without syntax errors", (_, expr) => {
    expect(parsePromql(expr).errors).toEqual([]);
  });

  test("a broken expression does show a syntax error (the check can fail)", () => {
    expect(parsePromql("sum by (tier (rate(x[5m]))").errors).not.toEqual([]);
  });

  test.each(named)("%s reads only contract metrics and recorded series", (_, expr) => {
    expect(parsePromql(expr).metrics.filter((m) => !known.has(m))).toEqual([]);
  });

  test.each(alerts.map((a) => [a.alert, a] as const))("%s carries severity, summary, description and a runbook that exists", (_, a) => {
    expect(a.labels.severity).toMatch(/^(critical|warning|ticket|none)$/);
    expect(a.annotations.summary).not.toBe("");
    expect(a.annotations.description).not.toBe("");
    const url = new URL(a.annotations.runbook_url);
    expect(url.pathname).toMatch(/\/docs\/runbooks\.md$/);
    expect([...headingAnchors(doc("runbooks.md"))]).toContain(url.hash.slice(1));
  });
});

describe("docs/metrics.md", () => {
  const text = doc("metrics.md");

  test.each(METRIC_CONTRACT.map((m) => [m.name, m] as const))("documents %s with its labels", (name, m) => {
    const row = text.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
    expect(row).toBeDefined();
    for (const label of m.labels) expect(row).toContain(`\`${label}\``);
  });
});

test("the SLO-window ratio is named for the window it covers: a 28-day SLO records ratio_rate28d over [28d]", () => {
  const c = testStackConfig("prod", { slo: (s) => (s.window = "28d") });
  const rules = JSON.stringify(allRuleGroups(c));
  const dashboards = JSON.stringify(renderDashboards(c).map((d) => d.model));
  const ratio = allRuleGroups(c).flatMap((g) => g.rules).find((r) => "record" in r && r.record === "slo:sli_error:ratio_rate28d");
  expect(ratio && "expr" in ratio ? ratio.expr : "").toContain("[28d]");
  expect(rules).not.toContain("rate30d");
  expect(dashboards).toContain("slo:sli_error:ratio_rate28d");
  expect(dashboards).not.toContain("rate30d");
});
