// The API's series count: a warning while it grows abnormally or nears the sample limit, before the
// limit fails the scrape; nothing for a rollout's new targets.
import type { StackConfig } from "../../config";
import { seconds } from "../../lib/duration";
import { roundFigure } from "../../lib/identities";
import { cadence, fixtures, PODS } from "./fixtures";
import { alertRule, at, check, firesAfterFor, fireTime, firing, linear, samples, type TestGroup } from "./promtool";

/** Samples a target exports before anyone guesses keys: the local simulator's order of magnitude. */
const NORMAL = 600;

export function cardinalityTests(c: StackConfig): TestGroup[] {
  const f = fixtures(c);
  const { step, evalEvery, stepsUntil, onsetWhen } = cadence(c);
  const limit = c.licenseApi.scrapeLimits.samples;
  const s = c.alerts.apiSeries;
  const rule = alertRule(c, "APIMetricsSeriesGrowth");
  const window = seconds(s.growthWindow);
  const growth = roundFigure(s.growth * limit);

  // Key guessing from one growth window in: every scrape exports a fixed number of new series, enough
  // to pass the growth threshold two minutes after it starts.
  const perStep = Math.ceil((growth * step) / 120);
  const guessedAt = window;
  const guessed = (t: number) => NORMAL + (t < guessedAt ? 0 : (perStep * (t - guessedAt)) / step);
  const onset = onsetWhen((t) => t >= window && guessed(t) - guessed(t - window) > growth, guessedAt);
  const fires = fireTime(rule, onset, evalEvery);
  const timeline = (value: (t: number) => number | null, until: number) => {
    const values: (number | null)[] = [];
    for (let t = 0; t <= until; t += step) values.push(value(t));
    return samples(values);
  };

  const near = roundFigure(((s.nearLimit + 1) / 2) * limit);
  const nearFires = fireTime(rule, 0, evalEvery);
  // A rollout: a new pod's target appears with the full count beside the old one, twice what one target exported.
  const quietEnd = fireTime(rule, window + evalEvery, evalEvery);
  const newPodAt = window + evalEvery;
  return [
    {
      name: "APIMetricsSeriesGrowth: a client guessing keys adds series at every scrape, far below the limit; APIMetricsSampleLimit silent",
      interval: at(step),
      input_series: [f.samplesScraped(PODS[0], timeline(guessed, fires)), f.samplesScraped(PODS[1], linear(NORMAL, 0, stepsUntil(fires)))],
      // Below the limit the scrapes succeed: nothing says they fail.
      alert_rule_test: [...firesAfterFor(evalEvery, [{ rule, onset, alert: firing(rule, {}, guessed(fires) - guessed(fires - window)) }]), check("APIMetricsSampleLimit", fires)],
    },
    {
      name: `APIMetricsSeriesGrowth: a target above ${s.nearLimit * 100}% of the sample limit`,
      interval: at(step),
      input_series: [f.samplesScraped(PODS[0], linear(near, 0, stepsUntil(nearFires)))],
      alert_rule_test: firesAfterFor(evalEvery, [{ rule, onset: 0, alert: firing(rule, {}, near) }]),
    },
    {
      name: "APIMetricsSeriesGrowth silent: a rollout's new target appears with the full count, an old one restarts",
      interval: at(step),
      input_series: [
        f.samplesScraped(PODS[0], timeline((t) => (t === newPodAt ? NORMAL / 2 : NORMAL), quietEnd)),
        f.samplesScraped(PODS[1], timeline((t) => (t < newPodAt ? null : NORMAL), quietEnd)),
      ],
      alert_rule_test: [check(rule.alert, quietEnd)],
    },
  ];
}
