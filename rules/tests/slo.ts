// The 99.9 % SLO: each burn-rate alert fires for an error ratio between its factor and the next one
// up, and only that one; the short window ends a page once the errors stop; a total outage, in which
// the API reports nothing, burns the budget and pages, a single failed probe does not; absent SLI metrics.
import type { StackConfig } from "../../config";
import { seconds } from "../../lib/duration";
import { cadence, fixtures, PODS } from "./fixtures";
import { alertRule, approx, evalAfter, at, check, expr, firesAfterFor, fireTime, firing, linear, samples, selector, series, type TestGroup } from "./promtool";
import { BURN_RATES, errorBudget, healthUrl, INHIBITORS, probeJob, sliObserved, sliRatio, sliUnavailable, sliUnavailableUnpaged, sliUnpagedRatio, SLO_NAME } from "../../lib/identities";

/** Validations per scrape interval in the burn-rate tests. */
const TOTAL = 1000;

export function sloTests(c: StackConfig): TestGroup[] {
  const f = fixtures(c);
  const { step, evalEvery, rateOnset, stepsUntil, onsetWhen } = cadence(c);
  const budget = errorBudget(c);
  const factors = BURN_RATES.map((b) => b.factor).sort((a, b) => a - b);

  const threshold = (factor: number) => factor * budget;
  const probe = (values: string) => series("probe_success", { job: probeJob(c), instance: healthUrl(c) }, values);
  /** The API answering: targets up and probes passing for `steps` samples, so only its errors count. */
  const answering = (steps: number) => [...PODS.map((p) => f.up(p, linear(1, 0, steps))), probe(linear(1, 0, steps))];
  const traffic = (errorsPerStep: number, steps: number) => [
    f.requests("lic-ent-0001", "valid", "enterprise", linear(0, TOTAL - errorsPerStep, steps)),
    f.requests("lic-ent-0001", "error", "enterprise", linear(0, errorsPerStep, steps)),
    f.errors("redis_unavailable", "enterprise", linear(0, errorsPerStep, steps)),
    ...answering(steps),
  ];

  /**
   * The share of a window's evaluations at which the request rates were recorded: from the rate's
   * onset on. The paging burn-rate alerts weigh a window's failures by it (time not recorded counts as
   * served without failures), the 5m window aside, and the ticket-level ones do not.
   */
  const recordedShare = (t: number, window: string) => {
    let n = 0;
    for (let u = Math.max(evalAfter(t - seconds(window), evalEvery), rateOnset); u <= t; u += evalEvery) n++;
    return n / (seconds(window) / evalEvery);
  };
  const weighed = (paging: boolean, window: string, t: number) => (paging && window !== "5m" ? recordedShare(t, window) : 1);

  const burns: TestGroup[] = BURN_RATES.map((b) => {
    const rule = alertRule(c, "ErrorBudgetBurn", { burn_rate: `${b.factor}x` });
    const next = factors.find((x) => x > b.factor);
    // Every recorded evaluation holds the same error ratio; a paging alert fires once enough of its
    // windows has been recorded at it. The ratio is chosen so that no count of evaluations puts a
    // window exactly on the threshold, where floating point would decide.
    const paging = b.severity === "critical";
    const onThreshold = (e: number) =>
      paging &&
      [b.long, b.short].some((w) => {
        const evaluations = ((threshold(b.factor) * TOTAL) / e) * (seconds(w) / evalEvery);
        return w !== "5m" && Math.abs(evaluations - Math.round(evaluations)) < 1e-6;
      });
    let errors = Math.ceil(TOTAL * b.factor * budget * 1.25);
    while (onThreshold(errors)) errors++;
    if (next && errors / TOTAL >= next * budget) throw new Error(`no error ratio between the ${b.factor}x and ${next}x burn thresholds at ${TOTAL} validations`);
    const ratio = (window: string, t: number) => (errors / TOTAL) * weighed(paging, window, t);
    const onset = onsetWhen((t) => t >= rateOnset && ratio(b.long, t) > threshold(b.factor) && ratio(b.short, t) > threshold(b.factor));
    const fires = fireTime(rule, onset, evalEvery);
    // The ticket-level burns this ratio also exceeds, where they fire before this one does.
    const tickets = BURN_RATES.filter((t) => t !== b && t.severity === "ticket" && errors / TOTAL > threshold(t.factor))
      .map((t) => ({ rule: alertRule(c, "ErrorBudgetBurn", { burn_rate: `${t.factor}x` }), onset: rateOnset, ratio: errors / TOTAL }))
      .filter((t) => fireTime(t.rule, t.onset, evalEvery) <= fires);
    return {
      name: `ErrorBudgetBurn ${b.factor}x: ${((errors / TOTAL) * 100).toFixed(1)}% of validations fail, above ${b.factor}x${next ? ` and below ${next}x` : ""} the budget`,
      interval: at(step),
      input_series: traffic(errors, stepsUntil(fires)),
      // The alert's value is the long window's ratio.
      alert_rule_test: firesAfterFor(evalEvery, [
        { rule, onset, alert: firing(rule, { slo: rule.labels.slo }, ratio(b.long, fires)) },
        ...tickets.map((t) => ({ rule: t.rule, onset: t.onset, alert: firing(t.rule, { slo: t.rule.labels.slo }, t.ratio) })),
      ]),
    };
  });

  const fastest = BURN_RATES.reduce((a, b) => (a.factor > b.factor ? a : b));
  const fast = alertRule(c, "ErrorBudgetBurn", { burn_rate: `${fastest.factor}x` });
  // Every validation fails: the alert fires once the recorded part of its long window is a burn.
  const burstOnset = onsetWhen((t) => t >= rateOnset && weighed(true, fastest.long, t) > threshold(fastest.factor));
  const burstFires = fireTime(fast, burstOnset, evalEvery);
  const burstEnd = burstFires + 2 * step;
  const recovered = burstEnd + seconds(fastest.short);
  const burstSteps = burstEnd / step;
  const afterSteps = stepsUntil(recovered) - burstSteps;
  const fastFiring = `ALERTS{alertname="ErrorBudgetBurn", alertstate="firing", burn_rate="${fastest.factor}x"}`;

  const absent = alertRule(c, "SLIMetricsAbsent");
  const absentFires = fireTime(absent, 0, evalEvery);

  // Past the longest for: of the burn-rate alerts, with every window holding only this traffic.
  const slowest = Math.max(...BURN_RATES.map((b) => fireTime(alertRule(c, "ErrorBudgetBurn", { burn_rate: `${b.factor}x` }), rateOnset, evalEvery)));
  const halfBudgetPerStep = (TOTAL * budget) / 2;
  // Above the fastest burn in every window a replica has recorded, a small share of the whole hour.
  const trickle = 0.02;
  const trickleFor = seconds("10m");

  // A total outage: an hour of clean traffic, then two hours in which every probe fails, every target
  // is down and the API exports nothing. Without the unavailable time in the SLI it would burn nothing.
  const outageAt = seconds("1h");
  const outageEnd = outageAt + seconds("2h");
  /**
   * The share of evaluations in (t - window, t] at which `down` holds: Prometheus 3's range selectors
   * leave out a sample exactly at the window's start (prometheus/prometheus docs/migration.md).
   */
  const downShare = (t: number, window: string, down: (u: number) => boolean) => {
    let n = 0;
    let bad = 0;
    for (let u = evalAfter(t - seconds(window), evalEvery); u <= t; u += evalEvery, n++) if (down(u)) bad++;
    return bad / n;
  };
  /** The same share, of every evaluation the whole window holds, recorded or not (what the paging burn-rate alerts read). */
  const downShareOfWindow = (t: number, window: string, down: (u: number) => boolean) => (downShare(t, window, down) * Math.min(t / evalEvery + 1, seconds(window) / evalEvery)) / (seconds(window) / evalEvery);
  const inOutage = (u: number) => u >= outageAt;
  const outageOnset = onsetWhen(
    (t) => downShare(t, fastest.long, inOutage) > threshold(fastest.factor) && downShare(t, fastest.short, inOutage) > threshold(fastest.factor),
    outageAt,
  );
  const outageFires = fireTime(fast, outageOnset, evalEvery);
  const healthySteps = outageAt / step;
  const outageSteps = stepsUntil(outageEnd) - healthySteps;
  const slo = { slo: SLO_NAME };
  const outageShare = downShare(outageEnd, c.slo.window, inOutage);
  // The outage's ticket: the slow burn over a day, not a page.
  const dayTicket = BURN_RATES.find((b) => b.severity === "ticket" && b.long === "1d")!;
  const dayTicketRule = alertRule(c, "ErrorBudgetBurn", { burn_rate: `${dayTicket.factor}x` });
  const budgetInhibitor = alertRule(c, INHIBITORS.budgetPage);

  // Unavailability no outage page announces: every other probe fails, so APIServerDown never outlasts
  // its for:, while half of the time the API cannot answer.
  const flapping = (u: number) => (u / step) % 2 === 0;
  const flapOnset = onsetWhen(
    (t) => downShareOfWindow(t, fastest.long, flapping) > threshold(fastest.factor) && downShareOfWindow(t, fastest.short, flapping) > threshold(fastest.factor),
  );
  const flapFires = fireTime(fast, flapOnset, evalEvery);
  const flapSteps = stepsUntil(flapFires + evalEvery);
  const flapProbes = samples(Array.from({ length: flapSteps + 1 }, (_, i) => (flapping(i * step) ? 0 : 1)));

  // One failed probe after six hours of clean traffic (the slowest alert's short window), watched for
  // longer than the slowest alert's for:.
  const blipAt = Math.max(...BURN_RATES.map((b) => seconds(b.short)));
  const blipEnd = blipAt + Math.max(...BURN_RATES.map((b) => seconds(b.for))) + evalEvery;
  const blipSteps = stepsUntil(blipEnd);

  return [
    ...burns,
    {
      name: `ErrorBudgetBurn: a 2-hour total outage (probes fail, targets down, no metrics) burns the budget, which counts it all, and pages through APIServerDown only: no paging burn, a ${dayTicket.factor}x ticket`,
      interval: at(step),
      input_series: [
        f.requests("lic-ent-0001", "valid", "enterprise", linear(0, TOTAL, healthySteps - 1)),
        f.errors("redis_unavailable", "enterprise", linear(0, 0, healthySteps - 1)),
        ...PODS.map((p) => f.up(p, `${linear(1, 0, healthySteps - 1)} ${linear(0, 0, outageSteps - 1)}`)),
        probe(`${linear(1, 0, healthySteps - 1)} ${linear(0, 0, outageSteps - 1)}`),
      ],
      alert_rule_test: [
        // Where the burn paged before outages were left out of it.
        check("ErrorBudgetBurn", outageFires),
        check("ErrorBudgetBurn", outageEnd, [firing(dayTicketRule, slo, downShare(outageEnd, dayTicket.long, inOutage))]),
        check(budgetInhibitor.alert, outageEnd),
      ],
      promql_expr_test: [
        approx(`${sliUnavailable("5m")}{slo="${SLO_NAME}"}`, outageEnd, slo, 1),
        approx(`${sliRatio(fastest.long)}{slo="${SLO_NAME}"}`, outageEnd, slo, 1),
        approx(`${sliRatio(c.slo.window)}{slo="${SLO_NAME}"}`, outageEnd, slo, outageShare),
        approx(`slo:error_budget:remaining_ratio{slo="${SLO_NAME}"}`, outageEnd, slo, 1 - outageShare / budget),
        // Downtime is observed time: every evaluation since the first counts, the outage's too.
        approx(`${sliObserved(c.slo.window)}{slo="${SLO_NAME}"}`, outageEnd, slo, (outageEnd / evalEvery + 1) / (seconds(c.slo.window) / evalEvery)),
        // Once APIServerDown fires, none of the outage is unannounced.
        expr(`${sliUnavailableUnpaged("5m")}{slo="${SLO_NAME}"}`, outageEnd, [{ labels: selector(sliUnavailableUnpaged("5m"), slo), value: 0 }]),
        expr(`${sliUnpagedRatio(fastest.long)}{slo="${SLO_NAME}"}`, outageEnd, [{ labels: selector(sliUnpagedRatio(fastest.long), slo), value: 0 }]),
      ],
    },
    {
      name: `ErrorBudgetBurn ${fastest.factor}x: unavailability no outage page announces (every other probe fails, APIServerDown never outlasts its for:) burns the budget and pages`,
      interval: at(step),
      input_series: [
        f.requests("lic-ent-0001", "valid", "enterprise", linear(0, TOTAL, flapSteps)),
        f.errors("redis_unavailable", "enterprise", linear(0, 0, flapSteps)),
        ...PODS.map((p) => f.up(p, linear(1, 0, flapSteps))),
        probe(flapProbes),
      ],
      alert_rule_test: [
        ...firesAfterFor(evalEvery, [{ rule: fast, onset: flapOnset, alert: firing(fast, slo, downShareOfWindow(flapFires, fastest.long, flapping)) }]),
        check(budgetInhibitor.alert, flapFires - evalEvery),
        check(budgetInhibitor.alert, flapFires, [firing(budgetInhibitor, {}, 1)]),
      ],
    },
    {
      name: "ErrorBudgetBurn silent: a single failed health probe, past every burn-rate alert's for:",
      interval: at(step),
      input_series: [
        f.requests("lic-ent-0001", "valid", "enterprise", linear(0, TOTAL, blipSteps)),
        f.errors("redis_unavailable", "enterprise", linear(0, 0, blipSteps)),
        ...PODS.map((p) => f.up(p, linear(1, 0, blipSteps))),
        probe(`${linear(1, 0, blipAt / step - 1)} ${samples([0])} ${linear(1, 0, blipSteps - blipAt / step - 1)}`),
      ],
      alert_rule_test: [...BURN_RATES.map((b) => check("ErrorBudgetBurn", blipAt + seconds(b.for) + evalEvery)), check("ErrorBudgetBurn", blipEnd)],
      // The failed probe is seen, as one evaluation of the 5m window.
      promql_expr_test: [approx(`${sliUnavailable("5m")}{slo="${SLO_NAME}"}`, blipAt, slo, downShare(blipAt, "5m", (u) => u === blipAt))],
    },
    {
      name: `ErrorBudgetBurn ${fastest.factor}x: a burst of failures pages, and the page ends once the ${fastest.short} window is clean although the ${fastest.long} one is not`,
      interval: at(step),
      input_series: [
        f.requests("lic-ent-0001", "error", "enterprise", `${linear(0, TOTAL, burstSteps)} ${linear(TOTAL * burstSteps, 0, afterSteps - 1)}`),
        f.requests("lic-ent-0001", "valid", "enterprise", `${linear(0, 0, burstSteps)} ${linear(TOTAL, TOTAL, afterSteps - 1)}`),
        f.errors("internal", "enterprise", `${linear(0, TOTAL, burstSteps)} ${linear(TOTAL * burstSteps, 0, afterSteps - 1)}`),
        ...answering(burstSteps + afterSteps),
      ],
      // Read from ALERTS, the 14.4x alone: a burst of total failure is a 6x burn of its 30m window
      // too, which fires with it and stays as long as that window holds the burst.
      promql_expr_test: [
        expr(fastFiring, burstFires - evalEvery, []),
        expr(fastFiring, burstFires, [{ labels: selector("ALERTS", { alertname: fast.alert, alertstate: "firing", ...firing(fast, { slo: fast.labels.slo }, 0).exp_labels }), value: 1 }]),
        expr(fastFiring, recovered, []),
      ],
    },
    {
      name: "ErrorBudgetBurn silent: failures at half the budget, past every burn-rate alert's for:",
      interval: at(step),
      input_series: traffic(halfBudgetPerStep, stepsUntil(slowest)),
      alert_rule_test: [check("ErrorBudgetBurn", slowest)],
    },
    {
      // A young replica has recorded ten minutes of the hour: those ten minutes are not the hour's burn.
      name: `ErrorBudgetBurn silent: ${trickle * 100}% of validations fail for ${trickleFor / 60} minutes on a replica that started recording then, past the ${fastest.factor}x alert's for:`,
      interval: at(step),
      input_series: traffic(TOTAL * trickle, stepsUntil(trickleFor + seconds(fastest.for) + evalEvery)),
      alert_rule_test: [check("ErrorBudgetBurn", trickleFor), check("ErrorBudgetBurn", trickleFor + seconds(fastest.for) + evalEvery)],
      promql_expr_test: [approx(`${sliRatio(fastest.short)}{slo="${SLO_NAME}"}`, trickleFor, slo, trickle)],
    },
    {
      name: "SLIMetricsAbsent silent: the API exports its validation counter",
      interval: at(step),
      input_series: [...PODS.map((p) => f.up(p, linear(1, 0, stepsUntil(absentFires)))), f.requests("lic-ent-0001", "valid", "enterprise", linear(0, 10, stepsUntil(absentFires)))],
      alert_rule_test: [check(absent.alert, absentFires)],
    },
    {
      name: "SLIMetricsAbsent: the API's targets are up but it exports no validation metrics",
      interval: at(step),
      input_series: PODS.map((p) => f.up(p, linear(1, 0, stepsUntil(absentFires)))),
      alert_rule_test: firesAfterFor(evalEvery, [{ rule: absent, onset: 0, alert: firing(absent, { job: c.licenseApi.job }, 1) }]),
    },
  ];
}
