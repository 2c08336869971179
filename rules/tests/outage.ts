// APIServerDown, evaluated at the outage group's own interval: every failure mode the issue names
// pages within 60 s through at least one signal, and a single failed scrape or probe pages nobody.
import type { StackConfig } from "../../config";
import { seconds } from "../../lib/duration";
import { fixtures, PODS } from "./fixtures";
import {
  alertRule,
  check,
  evalAtOrAfter,
  firesAfterFor,
  firing,
  samples,
  series,
  testFile,
  at,
  type Expectation,
  type InputSeries,
  type PromtoolTestFile,
  type TestGroup,
} from "./promtool";
import { healthUrl, probeJob } from "../../lib/identities";

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export function outageTests(c: StackConfig): PromtoolTestFile {
  const f = fixtures(c);
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

  type Sample = number | "stale";
  const timeline = (every: number, value: (t: number) => Sample): string => {
    const values: (Sample | null)[] = [];
    for (let t = 0; t <= end; t += step) values.push(t % every === 0 ? value(t) : null);
    return samples(values);
  };
  const up = (pod: string, value: (t: number) => Sample): InputSeries => f.up(pod, timeline(scrapeEvery, value));
  const probeLabels = { job: probeJob(c), instance: healthUrl(c) };
  const refused = 0.001;
  const timedOut = seconds(c.blackbox.probeTimeout);
  const probe = (value: (t: number) => Sample, failedAfter = refused): InputSeries[] => [
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
  // The ADR's promise: a page within 60 s of the outage, whatever its phase against the probes.
  const worstCase = probeEvery + seconds(c.alerts.outage.probeFor) + evalEvery + seconds(c.alertmanager.critical.groupWait);
  if (worstCase > 60) throw new Error(`an outage can take ${worstCase}s to page (probe interval + probeFor + evaluation + critical groupWait), more than 60s`);
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
      input_series: [...PODS.map((p) => up(p, downFrom(outageAt))), ...probe(downFrom(outageAt))],
      alert_rule_test: bothSignals,
    },
    {
      name: "outage: the process hangs, probes and scrapes time out; both signals page",
      interval: at(step),
      input_series: [
        ...PODS.map((p) => up(p, downFrom(outageAt))),
        ...probe(downFrom(outageAt), timedOut),
      ],
      alert_rule_test: bothSignals,
    },
    {
      name: "outage: scaled to zero, the targets vanish (staleness) and the probe finds no endpoint; both signals page",
      interval: at(step),
      input_series: [...PODS.map((p) => up(p, (t) => (t < outageAt ? 1 : "stale"))), ...probe(downFrom(outageAt))],
      alert_rule_test: bothSignals,
    },
    {
      name: "outage: all targets down, then deleted; the targets alert keeps firing as one alert",
      interval: at(step),
      input_series: PODS.map((p) => up(p, (t) => (t < outageAt ? 1 : t < outageAt + 30 ? 0 : "stale"))),
      alert_rule_test: [
        ...firesAfterFor(evalEvery, [targetsDown]),
        ...[outageAt + 30, outageAt + 30 + evalEvery, end].map((t) => check("APIServerDown", t, [targetsDown.alert])),
      ],
    },
    {
      name: "outage: the blackbox exporter is gone too; the targets signal alone pages",
      interval: at(step),
      input_series: PODS.map((p) => up(p, downFrom(outageAt))),
      alert_rule_test: firesAfterFor(evalEvery, [targetsDown]),
    },
    {
      name: "silent: a single failed probe and a single failed scrape of every target page nobody",
      interval: at(step),
      input_series: [
        ...PODS.map((p) => up(p, (t) => (t === outageAt + 2 * scrapeEvery ? 0 : 1))),
        ...probe((t) => (t === outageAt ? 0 : 1)),
      ],
      alert_rule_test: everyEvaluation(0, end),
    },
    {
      name: "silent: one of two replicas down, the service still answers",
      interval: at(step),
      input_series: [up(PODS[0], downFrom(outageAt)), up(PODS[1], () => 1), ...probe(() => 1)],
      alert_rule_test: everyEvaluation(outageAt, end),
    },
  ];
  return testFile(c, c.alerts.outage.evaluationInterval, tests);
}
