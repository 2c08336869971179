// APIServerDown, evaluated at the outage group's own interval: every failure mode (exit, hang, vanish,
// the edge, the blackbox exporter gone) pages within 60 s through at least one signal, and a single
// failed scrape or probe pages nobody.
// After a recovery, the probe's alert keeps firing for keepFiringFor: a fall within it is the same alert
// (no resolve, so the same PagerDuty incident), a fall after it is a new alert that waits out `for:` again.
import type { StackConfig } from "../../config";
import { seconds } from "../../lib/duration";
import { fixtures, PODS } from "./fixtures";
import {
  alertRule,
  check,
  evalAtOrAfter,
  firesAfterFor,
  fireTime,
  firing,
  expr,
  samples,
  selector,
  series,
  testFile,
  at,
  type Expectation,
  type ExpectedAlert,
  type InputSeries,
  type PromtoolTestFile,
  type TestGroup,
} from "./promtool";
import { healthUrl, INHIBITORS, probeJob, publicHealthUrl, publicProbeJob, SLI_SERIES, SLO_NAME } from "../../lib/identities";

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
  const publicRule = alertRule(c, "APIServerDown", { signal: "public" });
  const inhibitorRule = alertRule(c, INHIBITORS.outage);

  /** A value, a staleness marker, or (null) no sample at all. */
  type Sample = number | "stale" | null;
  const timeline = (every: number, value: (t: number) => Sample, until = end): string => {
    const values: (Sample | null)[] = [];
    for (let t = 0; t <= until; t += step) values.push(t % every === 0 ? value(t) : null);
    return samples(values);
  };
  const up = (pod: string, value: (t: number) => Sample, until = end): InputSeries => f.up(pod, timeline(scrapeEvery, value, until));
  const probeLabels = { job: probeJob(c), instance: healthUrl(c) };
  const refused = 0.001;
  const timedOut = seconds(c.blackbox.probeTimeout);
  const probe = (value: (t: number) => Sample, failedAfter = refused, until = end): InputSeries[] => [
    series("probe_success", probeLabels, timeline(probeEvery, value, until)),
    series("probe_duration_seconds", probeLabels, timeline(probeEvery, (t) => (value(t) === 1 ? 0.004 : failedAfter), until)),
  ];
  const downFrom = (from: number) => (t: number) => (t < from ? 1 : 0);
  const publicProbe = (value: (t: number) => Sample, until = end): InputSeries =>
    series("probe_success", { job: publicProbeJob(c), instance: publicHealthUrl(c) }, timeline(probeEvery, value, until));

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
  // The page within 60 s, whatever the outage's phase against the probes, is the config schema's to
  // enforce (config.ts, outageToPage); these cases prove what Prometheus does with the rules.
  const bothSignals = firesAfterFor(evalEvery, [probeDown, targetsDown]);
  const sampleLimit = alertRule(c, "APIMetricsSampleLimit");
  const overLimit = c.licenseApi.scrapeLimits.samples + 1;
  const everyEvaluation = (from: number, to: number) => {
    const checks = [];
    for (let t = evalAtOrAfter(from, evalEvery); t <= to; t += evalEvery) checks.push(check("APIServerDown", t));
    return checks;
  };

  // Recovery, then a fall again. Both signals have fired when the API answers again at `recoverAt`,
  // a time both the probe and the scrape cadence fall on, so both see it at once.
  const hold = seconds(c.alerts.outage.keepFiringFor);
  const lcm = (probeEvery * scrapeEvery) / step;
  const bothFiring = Math.max(fireTime(probeRule, probeDown.onset, evalEvery), fireTime(targetsRule, targetsDown.onset, evalEvery));
  const recoverAt = Math.ceil(bothFiring / lcm) * lcm;
  const recovered = evalAtOrAfter(recoverAt, evalEvery);
  // The targets' alert resolves at the first evaluation that sees a good scrape; the probe's alert is
  // held until an evaluation keepFiringFor after the one that saw the first good probe.
  const probeResolvedAt = recovered + evalAtOrAfter(hold, evalEvery);
  const alertsAt = (from: number, to: number, alerts: ExpectedAlert[]) => {
    const checks = [];
    for (let t = evalAtOrAfter(from, evalEvery); t <= to; t += evalEvery) checks.push(check("APIServerDown", t, alerts));
    return checks;
  };
  const bothDown = [probeDown.alert, targetsDown.alert];
  /** The inhibition source: one alert from the first signal's firing to the last one's resolve. */
  const inhibiting = [firing(inhibitorRule, {}, 1)];
  const firstFiring = Math.min(fireTime(probeRule, probeDown.onset, evalEvery), fireTime(targetsRule, targetsDown.onset, evalEvery));
  const inhibitorChecks = (from: number, to: number, alerts: ExpectedAlert[]) => {
    const checks = [];
    for (let t = evalAtOrAfter(from, evalEvery); t <= to; t += evalEvery) checks.push(check(inhibitorRule.alert, t, alerts));
    return checks;
  };

  // A short recovery: the API answers for less than the hold, then falls again.
  const flap = Math.floor((hold - 1) / step) * step;
  const downExceptFlap = (t: number) => (t < outageAt || (t >= recoverAt && t < recoverAt + flap) ? 1 : 0);
  const targetsAgain: Expectation = { ...targetsDown, onset: evalAtOrAfter(firstSampleFrom(recoverAt + flap, scrapeEvery), evalEvery) };
  const targetsRefires = fireTime(targetsRule, targetsAgain.onset, evalEvery);
  const flapEnd = targetsRefires + 2 * evalEvery;

  // A long recovery: both alerts resolve, one quiet evaluation, then the API falls again.
  const fallAgainAt = Math.ceil((probeResolvedAt + evalEvery) / lcm) * lcm;
  const againEnd = fallAgainAt + 60 + scrapeEvery;
  const downAgain = (t: number) => (t < outageAt || (t >= recoverAt && t < fallAgainAt) ? 1 : 0);
  const again = (e: Expectation, every: number): Expectation => ({ ...e, onset: evalAtOrAfter(firstSampleFrom(fallAgainAt, every), evalEvery) });

  const tests: TestGroup[] = [
    {
      name: "outage: the process exits, connections are refused; both signals page",
      interval: at(step),
      input_series: [...PODS.map((p) => up(p, downFrom(outageAt))), ...probe(downFrom(outageAt))],
      alert_rule_test: [...bothSignals, ...inhibitorChecks(0, firstFiring - evalEvery, []), ...inhibitorChecks(firstFiring, end, inhibiting)],
    },
    {
      name: "outage at the edge: the public URL fails every probe while the pods and the health endpoint answer; the public signal pages",
      interval: at(step),
      input_series: [...PODS.map((p) => up(p, () => 1)), ...probe(() => 1), publicProbe(downFrom(outageAt))],
      alert_rule_test: [
        ...firesAfterFor(evalEvery, [{ rule: publicRule, onset: evalAtOrAfter(firstSampleFrom(outageAt, probeEvery), evalEvery), alert: firing(publicRule, {}, 0) }]),
        check(inhibitorRule.alert, end, inhibiting),
      ],
      // The pods answer: it is no time the API itself could not answer (the SLI is the API's).
      promql_expr_test: [expr(selector(SLI_SERIES.unavailable, { slo: SLO_NAME }), end, [{ labels: selector(SLI_SERIES.unavailable, { slo: SLO_NAME }), value: 0 }])],
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
      name: "outage: scaled to zero while the blackbox exporter is gone; the targets signal pages and keeps firing long after the targets vanished",
      interval: at(step),
      input_series: PODS.map((p) => up(p, (t) => (t < outageAt ? 1 : "stale"))),
      alert_rule_test: [...firesAfterFor(evalEvery, [targetsDown]), check("APIServerDown", end, [targetsDown.alert])],
    },
    {
      name: "silent: a Prometheus that has just started (no series for a minute, then targets up and probes passing) raises nothing",
      interval: at(step),
      input_series: [...PODS.map((p) => up(p, (t) => (t < 60 ? null : 1))), ...probe((t) => (t < 60 ? null : 1))],
      alert_rule_test: [...everyEvaluation(0, end), ...inhibitorChecks(0, end, [])],
    },
    {
      name: "silent: a single failed probe and a single failed scrape of every target page nobody",
      interval: at(step),
      input_series: [
        ...PODS.map((p) => up(p, (t) => (t === outageAt + 2 * scrapeEvery ? 0 : 1))),
        ...probe((t) => (t === outageAt ? 0 : 1)),
        publicProbe((t) => (t === outageAt + probeEvery ? 0 : 1)),
      ],
      alert_rule_test: [...everyEvaluation(0, end), ...inhibitorChecks(0, end, [])],
    },
    {
      name: `flap: the API answers for ${flap}s, less than keepFiringFor (${c.alerts.outage.keepFiringFor}), then falls again; the probe's alert keeps firing throughout, so nothing resolves`,
      interval: at(step),
      input_series: [...PODS.map((p) => up(p, downExceptFlap, flapEnd)), ...probe(downExceptFlap, refused, flapEnd)],
      alert_rule_test: [
        ...bothSignals,
        ...alertsAt(bothFiring, recovered - evalEvery, bothDown),
        // The targets' alert resolves with the good scrape and fires again after its for:, the probe's never stops.
        ...alertsAt(recovered, targetsRefires - evalEvery, [probeDown.alert]),
        ...alertsAt(targetsRefires, flapEnd, bothDown),
      ],
    },
    {
      name: `recovery longer than keepFiringFor (${c.alerts.outage.keepFiringFor}): the probe's alert resolves when the hold has passed; the next fall is a new alert that waits out for: again`,
      interval: at(step),
      input_series: [...PODS.map((p) => up(p, downAgain, againEnd)), ...probe(downAgain, refused, againEnd)],
      alert_rule_test: [
        ...bothSignals,
        ...alertsAt(bothFiring, recovered - evalEvery, bothDown),
        // Held through the hold, although the health endpoint has answered since recoverAt.
        ...alertsAt(recovered, probeResolvedAt - evalEvery, [probeDown.alert]),
        ...alertsAt(probeResolvedAt, fallAgainAt, []),
        // The inhibition source stays one firing alert while the targets' signal resolves and the
        // probe's is held, and resolves with the last of them.
        ...inhibitorChecks(firstFiring, probeResolvedAt - evalEvery, inhibiting),
        ...inhibitorChecks(probeResolvedAt, fallAgainAt, []),
        ...firesAfterFor(evalEvery, [again(probeDown, probeEvery), again(targetsDown, scrapeEvery)]),
      ],
    },
    {
      name: "silent: one of two replicas down, the service still answers",
      interval: at(step),
      input_series: [up(PODS[0], downFrom(outageAt)), up(PODS[1], () => 1), ...probe(() => 1)],
      alert_rule_test: everyEvaluation(outageAt, end),
    },
    {
      // Past licenseApi.scrapeLimits.samples every scrape fails whole: up is 0 on every target, while
      // scrape_samples_scraped reports what they exported. The API answers its health probes.
      name: "silent: every scrape fails over the sample limit while the health endpoint answers; no page, not unavailable, APIMetricsSampleLimit warns",
      interval: at(step),
      input_series: [
        ...PODS.map((p) => up(p, downFrom(outageAt))),
        ...PODS.map((p) => f.samplesScraped(p, timeline(scrapeEvery, (t) => (t < outageAt ? 600 : overLimit)))),
        ...probe(() => 1),
      ],
      alert_rule_test: [...everyEvaluation(outageAt, end), check(sampleLimit.alert, end, [firing(sampleLimit, {}, overLimit)])],
      promql_expr_test: [expr(selector(SLI_SERIES.unavailable, { slo: SLO_NAME }), end, [{ labels: selector(SLI_SERIES.unavailable, { slo: SLO_NAME }), value: 0 }])],
    },
  ];
  return testFile(c, c.alerts.outage.evaluationInterval, tests);
}
