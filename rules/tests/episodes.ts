// Error episodes without an outage, of every share and length: the API answers throughout while a
// share of validations fails for a while. Whatever the shape, the service's paging alerts together
// must open at most one incident (Alertmanager groups every critical alert of the service into one;
// render/alertmanager-config.ts, PAGE_GROUP_BY), and none may begin after the failures stopped, beyond
// the shortest paging window. promtool evaluates the rules over each episode and the property is read
// from the ALERTS series Prometheus itself wrote: an incident opens where no critical alert of the
// service fired at the previous evaluation and one fires now.
import type { StackConfig } from "../../config";
import { seconds } from "../../lib/duration";
import { BURN_RATES, FASTEST_PAGING_BURN, healthUrl, probeJob } from "../../lib/identities";
import { cadence, fixtures, PODS } from "./fixtures";
import { at, expr, linear, series, testFile, type InputSeries, type PromtoolTestFile, type TestGroup } from "./promtool";

/** Validations per scrape interval. */
const TOTAL = 1000;
/** Healthy time before each episode. */
const LEAD_IN = 600;

export interface Episode {
  /** Share of validations failing, 0 to 1. */
  share: number;
  /** Minutes the failures last. */
  minutes: number;
  /** Incidents the episode must open: 0 where no paging signal's threshold is reached. */
  pages: 0 | 1;
}

/**
 * The shapes, densest where one paging signal hands over to another. Each of those opened two
 * incidents before paging burns lost their `for:` and HighErrorRate was held: HighErrorRate resolving
 * before the 14.4x burn began (6 % for 15 min, 25 % for 10 min, 100 % for 4 to 10 min), or the 6x
 * burn's 15-minute `for:` ending long after the failures (4 % for an hour, 10 % for 25 min). Around
 * them: episodes too small to page, and ones a single signal pages throughout.
 */
export const EPISODES: Episode[] = [
  { share: 0.02, minutes: 10, pages: 0 },
  { share: 0.02, minutes: 45, pages: 1 },
  { share: 0.04, minutes: 15, pages: 0 },
  { share: 0.04, minutes: 60, pages: 1 },
  { share: 0.06, minutes: 4, pages: 0 },
  { share: 0.06, minutes: 15, pages: 1 },
  { share: 0.06, minutes: 45, pages: 1 },
  { share: 0.08, minutes: 12, pages: 1 },
  { share: 0.08, minutes: 30, pages: 1 },
  { share: 0.1, minutes: 2, pages: 0 },
  { share: 0.1, minutes: 25, pages: 1 },
  { share: 0.15, minutes: 6, pages: 1 },
  { share: 0.15, minutes: 20, pages: 1 },
  { share: 0.25, minutes: 10, pages: 1 },
  { share: 0.5, minutes: 2, pages: 1 },
  { share: 0.5, minutes: 8, pages: 1 },
  { share: 1, minutes: 4, pages: 1 },
  { share: 1, minutes: 10, pages: 1 },
  { share: 1, minutes: 45, pages: 1 },
];

const pagingBurns = () => BURN_RATES.filter((b) => b.severity === "critical");
/** How long after the failures stop a page may still begin: the 5m rates catching up, within the fastest burn's short window. */
export const pageGrace = () => seconds(FASTEST_PAGING_BURN.short);

/** Counter samples from 0, growing `perStep(i)` at step i, in promtool's expanding notation. */
function counter(perStep: (i: number) => number, steps: number): string {
  const parts: string[] = [];
  let value = 0;
  let i = 0;
  while (i < steps) {
    const rate = perStep(i);
    let n = 1;
    while (i + n < steps && perStep(i + n) === rate) n++;
    // `a+bxn` is n+1 samples; a later run starts one step past the previous run's last sample.
    parts.push(i === 0 ? linear(value, rate, n - 1) : linear(value + rate, rate, n - 1));
    value += rate * (i === 0 ? n - 1 : n);
    i += n;
  }
  return parts.join(" ");
}

export function episodeGroup(c: StackConfig, e: Episode): TestGroup {
  const f = fixtures(c);
  const { step, evalEvery } = cadence(c);
  const start = LEAD_IN;
  const end = start + e.minutes * 60;
  // Past the end by the longest paging short window: a page held back by a burn's window shows here.
  const until = end + Math.max(...pagingBurns().map((b) => seconds(b.short))) + evalEvery;
  const steps = Math.ceil(until / step) + 1;
  const failing = (i: number) => i * step > start && i * step <= end;
  const failed = Math.round(TOTAL * e.share);
  const input_series: InputSeries[] = [
    f.requests("lic-ent-0001", "valid", "enterprise", counter((i) => (failing(i) ? TOTAL - failed : TOTAL), steps)),
    f.requests("lic-ent-0001", "error", "enterprise", counter((i) => (failing(i) ? failed : 0), steps)),
    f.errors("redis_unavailable", "enterprise", counter((i) => (failing(i) ? failed : 0), steps)),
    ...PODS.map((p) => f.up(p, linear(1, 0, steps))),
    series("probe_success", { job: probeJob(c), instance: healthUrl(c) }, linear(1, 0, steps)),
  ];
  // An incident opens at an evaluation where a critical alert of the service fires and none did at the one before.
  const paging = (offset = "") => `(max(ALERTS{alertstate="firing", severity="critical", service="${c.licenseApi.service}"}${offset}) or vector(0))`;
  const opened = `(${paging()} > ${paging(` offset ${at(evalEvery)}`)})`;
  const over = `[${at(until)}:${at(evalEvery)}]`;
  const checks = [expr(`sum_over_time(${opened}${over}) or vector(0)`, until, [{ labels: "{}", value: e.pages }])];
  if (e.pages) {
    // Opened while the failures happen, or within the grace after them.
    const when = `(${opened} * 0 + time())${over}`;
    checks.push(expr(`(min_over_time(${when}) > bool ${start}) * (max_over_time(${when}) <= bool ${end + pageGrace()})`, until, [{ labels: "{}", value: 1 }]));
  }
  return {
    name: `error episode: ${(e.share * 100).toFixed(0)} % of validations fail for ${e.minutes} min, ${e.pages} incident${e.pages === 1 ? "" : "s"}`,
    interval: at(step),
    input_series,
    promql_expr_test: checks,
  };
}

export function episodeTests(c: StackConfig): PromtoolTestFile {
  return testFile(c, c.prometheus.evaluationInterval, EPISODES.map((e) => episodeGroup(c, e)));
}
