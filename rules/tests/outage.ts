// APIServerDown, evaluated at the outage group's own interval: every failure mode the issue names
// pages within 60 s through at least one signal, and a single failed scrape or probe pages nobody.
import type { StackConfig } from "../../config";
import { seconds } from "../../lib/duration";
import { healthUrl } from "../../render/prometheus-config";
import { probeJob } from "../build";
import {
  alertRule,
  check,
  evalAtOrAfter,
  firesAfterFor,
  firing,
  series,
  testFile,
  at,
  type Expectation,
  type InputSeries,
  type PromtoolTestFile,
  type TestGroup,
} from "./promtool";

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export function outageTests(c: StackConfig): PromtoolTestFile {
  const evalEvery = seconds(c.alerts.outage.evaluationInterval);
  const probeEvery = seconds(c.blackbox.probeInterval);
  const scrapeEvery = seconds(c.licenseApi.scrapeInterval);
  // One test interval that both the probe and the scrape cadence fall on; in between, a series has
  // no sample, exactly as Prometheus stores a scrape every N seconds.
  const step = gcd(probeEvery, scrapeEvery);
  const outageAt = 4 * scrapeEvery;
  const end = outageAt + 60 + scrapeEvery;
  const probeRule = alertRule(c, "APIServerDown", { signal: "probe" });
  const targetsRule = alertRule(c, "APIServerDown", { signal: "targets" });
  const pods = ["license-api-5d8f7c9b4-k2x9p", "license-api-5d8f7c9b4-q7wz4"];

  type Sample = number | "stale" | null;
  const timeline = (every: number, value: (t: number) => Exclude<Sample, null>): string => {
    const values: Sample[] = [];
    for (let t = 0; t <= end; t += step) values.push(t % every === 0 ? value(t) : null);
    return values.map((v) => (v === null ? "_" : String(v))).join(" ");
  };
  const up = (pod: string, value: (t: number) => Exclude<Sample, null>): InputSeries =>
    series("up", { job: c.licenseApi.job, instance: `${pod}:${c.licenseApi.metricsPort}`, pod, namespace: c.namespaces.licenseApi }, timeline(scrapeEvery, value));
  const probeLabels = { job: probeJob(c), instance: healthUrl(c) };
  const refused = 0.001;
  const timedOut = seconds(c.blackbox.probeTimeout);
  const probe = (value: (t: number) => Exclude<Sample, null>, failedAfter = refused): InputSeries[] => [
    series("probe_success", probeLabels, timeline(probeEvery, value)),
    series("probe_duration_seconds", probeLabels, timeline(probeEvery, (t) => (value(t) === 1 ? 0.004 : failedAfter))),
  ];
  const downFrom = (from: number) => (t: number) => (t < from ? 1 : 0);

  // A signal's expression first holds at the first evaluation that sees the first failed sample.
  const firstSampleFrom = (t: number, every: number) => Math.ceil(t / every) * every;
  const probeDown: Expectation = {
    rule: probeRule,
    onset: evalAtOrAfter(firstSampleFrom(outageAt, probeEvery), evalEvery),
    alert: firing(probeRule, {}, 0),
  };
  const targetsDown: Expectation = {
    rule: targetsRule,
    onset: evalAtOrAfter(firstSampleFrom(outageAt, scrapeEvery), evalEvery),
    alert: firing(targetsRule, {}, 0),
  };
  const bothSignals = firesAfterFor(evalEvery, [probeDown, targetsDown]);
  const everyEvaluation = (from: number, to: number) => {
    const checks = [];
    for (let t = evalAtOrAfter(from, evalEvery); t <= to; t += evalEvery) checks.push(check("APIServerDown", t));
    return checks;
  };

  const tests: TestGroup[] = [
    {
      name: "outage: the process exits, connections are refused; both signals page",
      interval: at(step),
      input_series: [...pods.map((p) => up(p, downFrom(outageAt))), ...probe(downFrom(outageAt))],
      alert_rule_test: bothSignals,
    },
    {
      name: "outage: the process hangs, probes and scrapes time out; both signals page",
      interval: at(step),
      input_series: [
        ...pods.map((p) => up(p, downFrom(outageAt))),
        ...probe(downFrom(outageAt), timedOut),
      ],
      alert_rule_test: bothSignals,
    },
    {
      name: "outage: scaled to zero, the targets vanish (staleness) and the probe finds no endpoint; both signals page",
      interval: at(step),
      input_series: [...pods.map((p) => up(p, (t) => (t < outageAt ? 1 : "stale"))), ...probe(downFrom(outageAt))],
      alert_rule_test: bothSignals,
    },
    {
      name: "outage: all targets down, then deleted; the targets alert keeps firing as one alert",
      interval: at(step),
      input_series: pods.map((p) => up(p, (t) => (t < outageAt ? 1 : t < outageAt + 30 ? 0 : "stale"))),
      alert_rule_test: [
        ...firesAfterFor(evalEvery, [targetsDown]),
        ...[outageAt + 30, outageAt + 30 + evalEvery, end].map((t) => check("APIServerDown", t, [targetsDown.alert])),
      ],
    },
    {
      name: "outage: the blackbox exporter is gone too; the targets signal alone pages",
      interval: at(step),
      input_series: pods.map((p) => up(p, downFrom(outageAt))),
      alert_rule_test: firesAfterFor(evalEvery, [targetsDown]),
    },
    {
      name: "silent: a single failed probe and a single failed scrape of every target page nobody",
      interval: at(step),
      input_series: [
        ...pods.map((p) => up(p, (t) => (t === outageAt + 2 * scrapeEvery ? 0 : 1))),
        ...probe((t) => (t === outageAt ? 0 : 1)),
      ],
      alert_rule_test: everyEvaluation(0, end),
    },
    {
      name: "silent: one of two replicas down, the service still answers",
      interval: at(step),
      input_series: [up(pods[0], downFrom(outageAt)), up(pods[1], () => 1), ...probe(() => 1)],
      alert_rule_test: everyEvaluation(outageAt, end),
    },
  ];
  return testFile(c, c.alerts.outage.evaluationInterval, tests);
}
