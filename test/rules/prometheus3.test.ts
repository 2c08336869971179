// Every expression of the rules and the dashboards, read by Prometheus 3's own grammar, for what
// Prometheus 3 removed or changed: holt_winters is gone, and the `le` and `quantile` label values of
// classic histograms and summaries are normalised to floats ("1" becomes "1.0"), so an equality
// matcher on them may stop matching (prometheus/prometheus v3.0.0, docs/migration.md, "PromQL"). The
// promtool cases run the rules in Prometheus 3.5; this also covers dashboard queries no case evaluates.
import { parser } from "@prometheus-io/lezer-promql";
import { STACKS } from "../../lib/stack-file";
import { renderDashboards } from "../../dashboards";
import { allRuleGroups } from "../../rules";
import { testStackConfig } from "../stack-config";
import { promQueries } from "../grafana/dashboard-queries";

const REMOVED_FUNCTIONS = ["holt_winters"];
const NORMALISED_LABELS = ["le", "quantile"];

export function prometheus3Problems(expr: string): string[] {
  // The grammar is Prometheus 3's, which no longer knows these: they parse as a name and an error.
  const problems = REMOVED_FUNCTIONS.filter((f) => new RegExp(`\\b${f}\\s*\\(`).test(expr)).map((f) => `${f}() is removed in Prometheus 3`);
  parser.parse(expr).iterate({
    enter(ref) {
      const text = expr.slice(ref.from, ref.to);
      if (ref.name === "LabelMatcher" || ref.name === "UnquotedLabelMatcher") {
        const name = ref.node.getChild("LabelName");
        const op = ref.node.getChild("MatchOp");
        const label = name ? expr.slice(name.from, name.to) : "";
        const operator = op ? expr.slice(op.from, op.to) : "";
        if (NORMALISED_LABELS.includes(label) && (operator === "=" || operator === "!=")) {
          problems.push(`${text}: ${label} values are normalised to floats in Prometheus 3; match them by value, not by string`);
        }
      }
    },
  });
  return problems;
}

test("the check finds both kinds of problem", () => {
  expect(prometheus3Problems('holt_winters(x[1h], 0.5, 0.5)')).toEqual(["holt_winters() is removed in Prometheus 3"]);
  expect(prometheus3Problems('sum(rate(h_bucket{le="1"}[5m]))')).toHaveLength(1);
  expect(prometheus3Problems('histogram_quantile(0.95, sum by (le) (rate(h_bucket[5m])))')).toEqual([]);
});

describe.each(STACKS)("%s: no expression uses what Prometheus 3 removed or changed", (stack) => {
  const c = testStackConfig(stack);
  test("rules", () => {
    const exprs = allRuleGroups(c).flatMap((g) => g.rules.map((r) => r.expr));
    expect(exprs.length).toBeGreaterThan(30);
    expect(exprs.flatMap(prometheus3Problems)).toEqual([]);
  });
  test("dashboards", () => {
    const exprs = renderDashboards(c).flatMap((d) => promQueries(d.model).map((q) => q.expr));
    expect(exprs.length).toBeGreaterThan(20);
    expect(exprs.flatMap(prometheus3Problems)).toEqual([]);
  });
});
