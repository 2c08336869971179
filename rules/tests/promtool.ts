// promtool unit-test files as typed data, and the helpers the test modules share. Expected severity,
// service and team come from the hand-written table in expected-alerts.ts; the annotations are the
// rule's templates expanded the way Prometheus expands them.
import type { StackConfig } from "../../config";
import { duration, seconds } from "../../lib/duration";
import { isAlert, allRuleGroups, type AlertingRule } from "..";
import { EXPECTED_COMMON_LABELS, expectedRow } from "./expected-alerts";

export interface InputSeries {
  series: string;
  values: string;
}

export interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

export interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpectedAlert[];
}

export interface PromqlExprTest {
  expr: string;
  eval_time: string;
  exp_samples: { labels: string; value: number }[];
}

export interface TestGroup {
  name: string;
  interval: string;
  input_series: InputSeries[];
  alert_rule_test?: AlertRuleTest[];
  promql_expr_test?: PromqlExprTest[];
}

export interface PromtoolTestFile {
  rule_files: string[];
  evaluation_interval: string;
  group_eval_order: string[];
  tests: TestGroup[];
}

/** The file the test files load, next to them, as `promtool test rules` resolves it. */
export const RULES_FILE = "rules.yml";

export function testFile(c: StackConfig, evaluationInterval: string, tests: TestGroup[]): PromtoolTestFile {
  return {
    rule_files: [RULES_FILE],
    evaluation_interval: evaluationInterval,
    // promtool evaluates groups in no fixed order unless told; in this order a recording rule is
    // always fresh when the alert that reads it is evaluated, so "fires at" times are exact.
    group_eval_order: allRuleGroups(c).map((g) => g.name),
    tests,
  };
}

export type Labels = Record<string, string>;

export function series(name: string, labels: Labels, values: string): InputSeries {
  return { series: selector(name, labels), values };
}

export function selector(name: string, labels: Labels): string {
  const inner = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(", ");
  return inner ? `${name}{${inner}}` : name;
}

/** `steps + 1` samples: start, start + perStep, ... (promtool's `a+bxn`). */
export const linear = (start: number, perStep: number, steps: number) => `${start}+${perStep}x${steps}`;

/** Explicit sample values; `null` is a missed sample (promtool's `_`). */
export const samples = (values: (number | "stale" | null)[]) => values.map((v) => (v === null ? "_" : String(v))).join(" ");

export const at = (s: number) => duration(s);

/** The first evaluation at or after `t` seconds. */
export const evalAtOrAfter = (t: number, every: number) => Math.ceil(t / every) * every;

/**
 * The first evaluation a range ending later holds when it starts at `t`: ranges are left-open in
 * Prometheus 3, and nothing is evaluated before 0.
 */
export const evalAfter = (t: number, every: number) => Math.max(0, Math.floor(t / every) + 1) * every;

/** The alerting rule named so, with these static labels among its own (e.g. `{ signal: "probe" }`). */
export function alertRule(c: StackConfig, alertname: string, match: Labels = {}): AlertingRule {
  const found = allRuleGroups(c)
    .flatMap((g) => g.rules)
    .filter(isAlert)
    .filter((r) => r.alert === alertname && Object.entries(match).every(([k, v]) => r.labels[k] === v));
  if (found.length !== 1) throw new Error(`expected one alert ${alertname} ${JSON.stringify(match)}, found ${found.length}`);
  return found[0];
}

/**
 * The alert as Prometheus sends it: the series' labels, the rule's own distinguishing labels (signal,
 * burn_rate, …), and severity, service and team as rules/tests/expected-alerts.ts says they must be,
 * not as the rule has them; annotations expanded.
 */
export function firing(rule: AlertingRule, seriesLabels: Labels, value: number): ExpectedAlert {
  const { severity: _severity, service: _service, team: _team, ...own } = rule.labels;
  const labels = { ...seriesLabels, ...own, ...EXPECTED_COMMON_LABELS, severity: expectedRow(rule.alert, rule.labels).severity };
  return {
    exp_labels: labels,
    exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, t]) => [k, expand(t, labels, value)])),
  };
}

export function check(alertname: string, t: number, alerts: ExpectedAlert[] = []): AlertRuleTest {
  return { eval_time: at(t), alertname, exp_alerts: alerts };
}

export interface Expectation {
  rule: AlertingRule;
  /** The first evaluation at which the rule's expression holds. */
  onset: number;
  alert: ExpectedAlert;
}

/**
 * Proves each rule's `for:`: nothing is sent one evaluation before `for` has passed since its onset,
 * the alert fires from then on. Rules sharing an alert name are checked together, because promtool
 * compares all alerts of a name at once.
 */
export function firesAfterFor(evalEvery: number, expectations: Expectation[]): AlertRuleTest[] {
  const names = new Set(expectations.map((e) => e.rule.alert));
  if (names.size !== 1) throw new Error(`firesAfterFor takes rules of one alert name, got ${[...names].join(", ")}`);
  const fires = expectations.map((e) => ({ ...e, at: fireTime(e.rule, e.onset, evalEvery) }));
  const times = [...new Set(fires.flatMap((f) => (f.at > f.onset ? [f.at - evalEvery, f.at] : [f.at])))].sort((a, b) => a - b);
  return times.map((t) =>
    check(
      [...names][0],
      t,
      fires.filter((f) => f.at <= t).map((f) => f.alert),
    ),
  );
}

export const fireTime = (rule: AlertingRule, onset: number, evalEvery: number) => onset + evalAtOrAfter(seconds(rule.for ?? "0s"), evalEvery);

export function expr(e: string, t: number, expected: { labels: string; value: number }[]): PromqlExprTest {
  return { expr: e, eval_time: at(t), exp_samples: expected };
}

// ---- What Prometheus computes, for expected values (same IEEE operations as the Prometheus 3
// engine, so annotations rendered at four significant digits match).

/** rate() of a counter that started at 0 inside or at the start of the window, sampled at its edges. */
export const rate = (increase: number, windowSeconds: number) => increase * (1 / windowSeconds);

/** histogram_quantile when every observation of the window fell into one bucket (lower, upper]. */
export function quantileInOneBucket(q: number, lower: number, upper: number, bucketRate: number): number {
  return lower + (upper - lower) * ((q * bucketRate) / bucketRate);
}

/**
 * A sample check with a relative tolerance: rates and averages of floats differ from a model in the
 * last bits, which is not what these tests are about.
 */
export function approx(e: string, t: number, labels: Labels, value: number): PromqlExprTest {
  const tolerance = Math.abs(value) * 1e-9;
  return expr(`abs(${e} - ${value}) <= bool ${tolerance}`, t, [{ labels: selector("", labels) || "{}", value: 1 }]);
}

// ---- Go text/template as Prometheus uses it in annotations: only what the rules use.

export function expand(template: string, labels: Labels, value: number): string {
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, action: string) => {
    const [head, ...pipes] = action.split("|").map((p) => p.trim());
    if (head.startsWith("$labels.") && pipes.length === 0) return labels[head.slice("$labels.".length)] ?? "";
    if (head === "$value" && pipes.length === 1 && HUMANIZERS[pipes[0]]) return HUMANIZERS[pipes[0]](value);
    const fixed = /^printf "%\.(\d)f"$/.exec(pipes[0] ?? "");
    if (head === "$value" && pipes.length === 1 && fixed) return value.toFixed(Number(fixed[1]));
    return unsupported(action);
  });
}

function unsupported(action: string): never {
  throw new Error(`template action not supported by the tests: {{ ${action} }}`);
}

/** Go's %.<p>g: shortest of fixed and exponent notation, trailing zeros dropped. */
export function goG(v: number, precision = 4): string {
  if (v === 0) return "0";
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
  const [mantissa, exp] = v.toExponential(precision - 1).split("e");
  const e = Number(exp);
  const trim = (s: string) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (e < -4 || e >= precision) return `${trim(mantissa)}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return trim(v.toFixed(precision - 1 - e));
}

const SMALL_PREFIXES = ["m", "u", "n", "p", "f", "a", "z", "y"];

const HUMANIZERS: Record<string, (v: number) => string> = {
  humanizePercentage: (v) => `${goG(v * 100)}%`,
  humanize(v) {
    if (v === 0 || !Number.isFinite(v)) return goG(v);
    let prefix = "";
    if (Math.abs(v) >= 1) {
      for (const p of ["k", "M", "G", "T", "P", "E", "Z", "Y"]) {
        if (Math.abs(v) < 1000) break;
        prefix = p;
        v /= 1000;
      }
    } else {
      for (const p of SMALL_PREFIXES) {
        if (Math.abs(v) >= 1) break;
        prefix = p;
        v *= 1000;
      }
    }
    return `${goG(v)}${prefix}`;
  },
  humanize1024(v) {
    if (Math.abs(v) <= 1 || !Number.isFinite(v)) return goG(v);
    let prefix = "";
    for (const p of ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"]) {
      if (Math.abs(v) < 1024) break;
      prefix = p;
      v /= 1024;
    }
    return `${goG(v)}${prefix}`;
  },
  humanizeDuration(v) {
    if (v === 0 || !Number.isFinite(v)) return `${goG(v)}s`;
    if (Math.abs(v) >= 1) {
      const sign = v < 0 ? "-" : "";
      const whole = Math.trunc(Math.abs(v));
      const [d, h, m, s] = [Math.floor(whole / 86400), Math.floor(whole / 3600) % 24, Math.floor(whole / 60) % 60, whole % 60];
      if (d) return `${sign}${d}d ${h}h ${m}m ${s}s`;
      if (h) return `${sign}${h}h ${m}m ${s}s`;
      if (m) return `${sign}${m}m ${s}s`;
      return `${sign}${goG(Math.abs(v))}s`;
    }
    let prefix = "";
    for (const p of SMALL_PREFIXES) {
      if (Math.abs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
    return `${goG(v)}${prefix}s`;
  },
};
