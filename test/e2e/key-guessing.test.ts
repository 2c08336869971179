// Key guessing on a local stack of its own: a client presenting random license keys, against an API
// that labels its request counter with every presented key (as ADR-019's metrics.py does). The
// series-growth warning reaches Slack before the sample limit; past the limit the scrapes fail whole,
// the series Prometheus holds stay bounded, and nobody is paged while the health endpoint answers.
// Its own stack (ports 27090 and up), so that no earlier outage's page, hold or error budget is in play,
// and it runs beside the other end-to-end suites.
import * as os from "os";
import * as path from "path";
import { SLI_SERIES } from "../../lib/identities";
import type { Delivery } from "../../local/receivers";
import { LocalStack } from "../../local/stack";
import { stackForSuite } from "./suite-stack";

/** A sample limit key guessing reaches in about a minute, far above what the simulator exports. */
const GUESS_LIMIT = 5000;
const local = new LocalStack({
  stack: "prod",
  workDir: path.join(os.tmpdir(), `coditect-e2e-guess-${process.pid}`),
  basePort: 27090,
  adjust: (c) => ({
    config: {
      ...c,
      alerts: {
        ...c.alerts,
        // The series-growth warning over a window the young stack has, so that key guessing reaches it
        // (and then the limit) within a minute or two.
        apiSeries: { ...c.alerts.apiSeries, growthWindow: "1m", for: "15s" },
      },
      licenseApi: { ...c.licenseApi, scrapeLimits: { ...c.licenseApi.scrapeLimits, samples: GUESS_LIMIT } },
    },
  }),
});

/** Alert names Prometheus (replica 0) has firing. */
async function firing(): Promise<Set<string>> {
  return new Set((await local.query('ALERTS{alertstate="firing"}')).map((a) => a.metric.alertname));
}

/** Waits until Prometheus fires each alert and the stand-in receiver it routes to has received it. */
async function raisedAndDelivered(alerts: Record<string, Delivery["receiver"]>, since: number, timeoutMs: number) {
  const names = Object.keys(alerts);
  await local.until(async () => {
    const now = await firing();
    return names.every((name) => now.has(name) && local.receivers.deliveries.some((d) => d.at >= since && d.receiver === alerts[name] && d.alerts.includes(name) && d.status === "firing"));
  }, timeoutMs, `${names.join(", ")} firing and delivered`);
}

stackForSuite(local);

test("key guessing warns APIMetricsSeriesGrowth in Slack before the sample limit; past it the series stored stay bounded and nobody is paged while the API serves", async () => {
  const since = Date.now();
  const value = async (expr: string) => Number((await local.query(expr))[0]?.value[1] ?? NaN);
  const exported = () => value(`max(scrape_samples_scraped{job="${local.config.licenseApi.job}"})`);
  /**
   * Series of the request counter in Prometheus's head index (its TSDB status counts the index, so
   * series a failed scrape named are in it too). Other series a young stack creates meanwhile (rule
   * outputs, alerts) are not the API's and are left out.
   */
  const stored = async () => {
    const status = (await (await fetch(`${local.urls.prometheus[0]}/api/v1/status/tsdb`)).json()) as { data: { seriesCountByMetricName: { name: string; value: number }[] } };
    return status.data.seriesCountByMetricName.find((m) => m.name === "license_validation_requests_total")?.value ?? 0;
  };
  const targets = await value(`count(up{job="${local.config.licenseApi.job}"})`);
  await local.fault("guess");
  try {
    await local.until(async () => (await firing()).has("APIMetricsSeriesGrowth"), 120_000, "APIMetricsSeriesGrowth to fire");
    expect(await exported()).toBeLessThanOrEqual(GUESS_LIMIT);
    expect((await firing()).has("APIMetricsSampleLimit")).toBe(false);
    await raisedAndDelivered({ APIMetricsSeriesGrowth: "slack" }, since, 120_000);
    await local.until(async () => (await firing()).has("APIMetricsSampleLimit"), 120_000, "the scrapes to exceed the sample limit");
    // Past the limit every scrape fails whole: the API keeps exporting more series, while Prometheus's
    // head holds no more of them than the limit's worth per target (a failed scrape's append is rolled
    // back; the series its first samples named may stay in the head index until head compaction).
    const exportedAtLimit = await exported();
    await new Promise((r) => setTimeout(r, 30_000)); // two scrape intervals
    expect(await exported()).toBeGreaterThan(exportedAtLimit + 500);
    expect(await stored()).toBeGreaterThan(0);
    expect(await stored()).toBeLessThanOrEqual(targets * GUESS_LIMIT);
    expect(await value(`max(probe_success{job="${local.config.licenseApi.job}-health"})`)).toBe(1);
    expect(await value(`max(up{job="${local.config.licenseApi.job}"})`)).toBe(0);
    expect((await firing()).has("APIServerDown")).toBe(false);
    // Guessing pages nobody: no outage page, and no time counted unavailable (the burn-rate pages'
    // input).
    expect(local.receivers.deliveries.filter((d) => d.at >= since && d.receiver === "pagerduty" && d.status === "firing" && d.alerts.includes("APIServerDown"))).toEqual([]);
    const seconds = Math.floor((Date.now() - since) / 1000);
    expect(await value(`max_over_time(${SLI_SERIES.unavailable}[${seconds}s])`)).toBe(0);
  } finally {
    // The simulator drops the guessed series, as a restart of the API's pods would.
    await local.fault("recover");
    await local.until(async () => (await value(`max(up{job="${local.config.licenseApi.job}"})`)) === 1, 60_000, "the scrapes to succeed again");
  }
}, 330_000);
