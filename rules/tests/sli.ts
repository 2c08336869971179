// What one Prometheus records as the API's availability when its own view is incomplete: a series that
// starts late (a fresh replica), a probe series that goes missing (the blackbox exporter restarting),
// /metrics instances that change (a rollout), every series missing for longer than the lookback (a
// restart). Unknown time is no sample at all, never 1: it is neither the API's downtime nor a page.
import type { StackConfig } from "../../config";
import { seconds } from "../../lib/duration";
import { healthUrl, probeJob, SLI_SERIES, sliObserved, SLO_NAME } from "../../lib/identities";
import { goneWithin } from "../evidence";
import { cadence, fixtures, PODS } from "./fixtures";
import { alertRule, approx, check, expr, samples, selector, series, type InputSeries, type PromqlExprTest, type TestGroup } from "./promtool";

type Sample = number | "stale" | null;

export function sliTests(c: StackConfig): TestGroup[] {
  const f = fixtures(c);
  const { step, evalEvery } = cadence(c);
  const slo = { slo: SLO_NAME };
  const unavailable = selector(SLI_SERIES.unavailable, slo);
  const lookback = seconds("5m");
  const end = 20 * 60;
  const timeline = (value: (t: number) => Sample) => samples(Array.from({ length: end / step + 1 }, (_, i) => value(i * step)));
  const probe = (value: (t: number) => Sample): InputSeries => series("probe_success", { job: probeJob(c), instance: healthUrl(c) }, timeline(value));
  const up = (pod: string, value: (t: number) => Sample) => f.up(pod, timeline(value));
  /** The SLI at `t`: 1, 0, or (null) no sample. */
  const recorded = (t: number, value: 0 | 1 | null): PromqlExprTest => expr(unavailable, t, value === null ? [] : [{ labels: unavailable, value }]);
  const at = (times: number[], value: 0 | 1 | null) => times.map((t) => recorded(t, value));
  const burns = (t: number) => check("ErrorBudgetBurn", t);
  /**
   * The probe's series while the blackbox exporter is down from `from` to `to`: the failed scrape of
   * the exporter marks it stale at once (a restarted Prometheus, by contrast, leaves a gap).
   */
  const exporterDown = (from: number, to = Infinity) => (t: number): Sample => (t === from ? "stale" : t > from && t < to ? null : 1);
  const fast = alertRule(c, "ErrorBudgetBurn", { burn_rate: "14.4x" });

  const startsAt = 3 * 60;
  const gapFrom = 4 * 60;
  const gapTo = gapFrom + lookback + 3 * 60;
  const missingFrom = 5 * 60;
  const missingTo = 9 * 60;
  const vanishAt = 6 * 60;

  return [
    {
      name: `SLI: a Prometheus that starts late records nothing until its first probe, then the API as it is; no burn pages; what it observed of the ${c.slo.window} window is its evaluations since`,
      interval: `${step}s`,
      input_series: [...PODS.map((p) => up(p, (t) => (t < startsAt ? null : 1))), probe((t) => (t < startsAt ? null : 1))],
      promql_expr_test: [
        ...at([evalEvery, startsAt - evalEvery], null),
        ...at([startsAt, end], 0),
        approx(`${sliObserved(c.slo.window)}{slo="${SLO_NAME}"}`, end, slo, ((end - startsAt) / evalEvery + 1) / (seconds(c.slo.window) / evalEvery)),
      ],
      alert_rule_test: [burns(startsAt + seconds(fast.for ?? "0s") + evalEvery), burns(end)],
    },
    {
      name: "SLI: the probe series goes missing (blackbox exporter restarting) while the targets answer: still available",
      interval: `${step}s`,
      input_series: [...PODS.map((p) => up(p, () => 1)), probe(exporterDown(missingFrom, missingTo))],
      promql_expr_test: at([missingFrom, missingFrom + evalEvery, missingTo - evalEvery, end], 0),
    },
    {
      name: "SLI: the API falls while the blackbox exporter is gone: the targets say unavailable, from the first failed scrape",
      interval: `${step}s`,
      input_series: [...PODS.map((p) => up(p, (t) => (t < missingTo ? 1 : 0))), probe(exporterDown(missingFrom))],
      promql_expr_test: [...at([missingTo - evalEvery], 0), ...at([missingTo, end], 1)],
    },
    {
      name: `SLI: scaled to zero while the blackbox exporter is gone: unavailable from the vanishing on, long after ${goneWithin(c)}`,
      interval: `${step}s`,
      input_series: [...PODS.map((p) => up(p, (t) => (t < vanishAt ? 1 : t === vanishAt ? "stale" : null))), probe(exporterDown(missingFrom))],
      promql_expr_test: [...at([vanishAt - evalEvery], 0), ...at([vanishAt, vanishAt + seconds(goneWithin(c)) + evalEvery, end], 1)],
    },
    {
      name: "SLI: a rollout replaces every pod with a new one (new instances) while probes pass, and while they are missing: available throughout",
      interval: `${step}s`,
      input_series: [
        // Each new pod is up before its predecessor goes (maxUnavailable 0, one surge pod).
        ...PODS.map((p, i) => up(p, (t) => (t < 4 * 60 + i * 60 ? 1 : t === 4 * 60 + i * 60 ? "stale" : null))),
        ...PODS.map((p, i) => up(`${p}-new`, (t) => (t >= 3 * 60 + i * 60 ? 1 : null))),
        probe(exporterDown(4 * 60, 5 * 60)),
      ],
      promql_expr_test: at([3 * 60, 4 * 60, 4 * 60 + 30, 5 * 60, 6 * 60, end], 0),
    },
    {
      name: "SLI: a replica a few minutes old sees one failed probe that no outage page announced: recorded, and no burn pages (the burn is of the whole hour, not of the minutes recorded)",
      interval: `${step}s`,
      input_series: [...PODS.map((p) => up(p, () => 1)), probe((t) => (t === startsAt ? 0 : 1))],
      promql_expr_test: [...at([startsAt], 1), ...at([startsAt + evalEvery], 0)],
      alert_rule_test: [burns(startsAt + seconds(fast.for ?? "0s")), burns(startsAt + seconds(fast.for ?? "0s") + evalEvery)],
    },
    {
      name: "SLI: nothing is scraped for longer than the lookback (a restart): the gap is unknown, not unavailable; then the API as it is; no burn pages",
      interval: `${step}s`,
      input_series: [
        ...PODS.map((p) => up(p, (t) => (t >= gapFrom && t < gapTo ? null : 1))),
        probe((t) => (t >= gapFrom && t < gapTo ? null : 1)),
      ],
      promql_expr_test: [...at([gapFrom + lookback + evalEvery, gapTo - evalEvery], null), ...at([gapTo, end], 0)],
      alert_rule_test: [burns(gapTo + seconds(fast.for ?? "0s") + evalEvery), burns(end)],
    },
  ];
}
