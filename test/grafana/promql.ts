// PromQL as Prometheus' own parser (the lezer grammar its UI uses) sees it: syntax errors, the metric
// each selector names, and the aggregation around it. Dashboard queries carry Grafana template
// variables, which are substituted with their defaults first.
import { parser } from "@prometheus-io/lezer-promql";
import type { SyntaxNode } from "@lezer/common";

export interface ParsedQuery {
  errors: string[];
  /** Metric names of every vector selector. */
  metrics: string[];
  /** Each selector with the node it sits in, for structural checks. */
  selectors: { metric: string; node: SyntaxNode }[];
  /** Grouping labels of every `by (...)` clause. */
  byLabels: string[][];
  /** Those of the `by (...)` clauses whose aggregation no other aggregation wraps: the labels a query's result keeps. */
  outerByLabels: string[][];
  /** Aggregations using `without (...)`, which keep every label not named. */
  withoutCount: number;
  text: string;
}

export function parsePromql(text: string): ParsedQuery {
  const tree = parser.parse(text);
  const errors: string[] = [];
  const selectors: ParsedQuery["selectors"] = [];
  const byLabels: string[][] = [];
  const outerByLabels: string[][] = [];
  let withoutCount = 0;
  tree.iterate({
    enter(ref) {
      if (ref.type.isError) errors.push(`syntax error at ${ref.from}: "${text.slice(Math.max(0, ref.from - 20), ref.to + 20)}"`);
      if (ref.name === "VectorSelector") {
        const id = ref.node.getChild("Identifier");
        if (id) selectors.push({ metric: text.slice(id.from, id.to), node: ref.node });
      }
      if (ref.name === "AggregateModifier") {
        const node = ref.node;
        const labels = node.getChild("GroupingLabels")?.getChildren("LabelName").map((l) => text.slice(l.from, l.to)) ?? [];
        if (node.getChild("By")) byLabels.push(labels);
        // The modifier's parent is its aggregation: wrapped when an aggregation encloses that.
        if (node.getChild("By") && node.parent && !isAggregated(node.parent)) outerByLabels.push(labels);
        if (node.getChild("Without")) withoutCount++;
      }
    },
  });
  return { errors, metrics: selectors.map((s) => s.metric), selectors, byLabels, outerByLabels, withoutCount, text };
}

/** Whether a node sits inside an aggregation (sum, max, count, quantile, ...). */
export function isAggregated(node: SyntaxNode): boolean {
  for (let n: SyntaxNode | null = node.parent; n; n = n.parent) if (n.name === "AggregateExpr") return true;
  return false;
}

/** Every histogram_quantile whose histogram argument is not an aggregation by `le` (the ADR's defect). */
export function unaggregatedQuantiles(q: ParsedQuery): string[] {
  const bad: string[] = [];
  const tree = parser.parse(q.text);
  tree.iterate({
    enter(ref) {
      if (ref.name !== "FunctionCall") return;
      const fn = ref.node.getChild("FunctionIdentifier");
      if (!fn || q.text.slice(fn.from, fn.to) !== "histogram_quantile") return;
      const args = ref.node.getChild("FunctionCallBody");
      const agg = args?.getChild("AggregateExpr");
      const grouping = agg?.getChild("AggregateModifier")?.getChild("GroupingLabels");
      const labels = grouping?.getChildren("LabelName").map((l) => q.text.slice(l.from, l.to)) ?? [];
      if (!agg || !labels.includes("le")) bad.push(q.text.slice(ref.from, ref.to));
    },
  });
  return bad;
}

/** Grafana's built-in interval variables, as a query would see them. */
const BUILTINS: Record<string, string> = { __rate_interval: "5m", __interval: "1m", __range: "6h", __range_s: "21600" };

/**
 * Replaces `$var`, `${var}` and `${var:format}` with the variable's default value (`All` becomes its
 * allValue), as Grafana does before it sends a query. Unknown variables fail the substitution.
 */
export function substitute(text: string, values: Record<string, string>): string {
  const all = { ...BUILTINS, ...values };
  return text.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (match, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    if (!(name in all)) throw new Error(`unknown template variable ${match} in ${text}`);
    return all[name];
  });
}
