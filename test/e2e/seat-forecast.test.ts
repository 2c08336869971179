// A Prometheus replica restarted on an empty volume while licenses' sessions climb: the minutes it
// holds are no trend, so it forecasts nothing and raises no SeatLimitForecast, while the replica
// that kept its history forecasts the same licenses, below their limits. The forecast's timings are
// shortened from hours to minutes so that the lookback fills within the test.
import * as os from "os";
import * as path from "path";
import { duration, seconds } from "../../lib/duration";
import { PER_LICENSE } from "../../lib/identities";
import { seatSeries } from "../../lib/seat-series";
import { SEATS_RISE_FILL_MINUTES } from "../../local/faults";
import { LocalStack, sleep } from "../../local/stack";
import { stackForSuite } from "./suite-stack";

const EVERY = "15s";
// The rise fills the free seats in SEATS_RISE_FILL_MINUTES: a regression over the rise alone reaches
// the limit within a horizon a tenth longer from the rise's first samples on, while one over a lookback
// that mostly holds the level before it stays well below.
const FORECAST = { lookback: "4m", horizon: duration((SEATS_RISE_FILL_MINUTES * 60 * 11) / 10), for: "30s", evaluationInterval: EVERY };
const local = new LocalStack({
  stack: "prod",
  workDir: path.join(os.tmpdir(), `coditect-e2e-seat-forecast-${process.pid}`),
  basePort: 22090,
  adjust: (c) => ({ config: { ...c, alerts: { ...c.alerts, perLicense: { ...c.alerts.perLicense, evaluationInterval: EVERY }, forecast: FORECAST } } }),
});
stackForSuite(local);

const WIPED = 1;
const RISING = /^LIC-ENTERPRISE-/;

test("a replica wiped while sessions climb forecasts nothing and raises no SeatLimitForecast until it holds half the lookback", async () => {
  const every = seconds(EVERY);
  // Long enough for a forecast from the wiped replica's first samples to fire (its first scrape, the
  // forecast's subquery from its second point on, then for:), short of the half lookback after which
  // its history suffices.
  const watch = 105;
  expect(4 * every + seconds(FORECAST.for)).toBeLessThan(watch);
  expect(watch).toBeLessThan(seconds(FORECAST.lookback) / 2);

  const seats = seatSeries(local.config);
  // One series per license, as the alert reads them (the API exports ADR-019's labels here).
  const sessions = `max by (${PER_LICENSE}) (${seats.sessions})`;
  const forecast = `max by (${PER_LICENSE}) (${seats.forecast})`;
  const rising = <T extends { metric: Record<string, string> }>(rows: T[]) => rows.filter((r) => RISING.test(r.metric.license_key ?? ""));
  const started = Date.now();
  // The replica that keeps its volume forecasts every license once its sessions span half the lookback.
  await local.until(
    async () => {
      const [licenses, forecasts] = await Promise.all([local.query(`count(${sessions})`), local.query(`count(${forecast})`)]);
      return forecasts.length > 0 && forecasts[0].value[1] === licenses[0]?.value[1];
    },
    seconds(FORECAST.lookback) * 1000,
    "the first replica to forecast every license",
  );
  const seasoned = Date.now();
  await local.fault("replica-wipe");
  await local.fault("seats-rise");
  const wiped = Date.now();
  await sleep(watch * 1000);
  const since = `${Math.ceil((Date.now() - started) / 1000)}s`;
  console.log(`seat forecast: first replica forecast ${((seasoned - started) / 1000).toFixed(0)} s in, watched the wiped one ${((Date.now() - wiped) / 1000).toFixed(0)} s`);

  // The wiped replica recorded the rise, and forecast none of it.
  const window = `[${watch}s:${EVERY}]`;
  const rise = rising(await local.query(`max_over_time((${sessions})${window}) - min_over_time((${sessions})${window}) > 0`, WIPED));
  expect(rise.length).toBe(2);
  expect(await local.query(`count_over_time((${forecast})${window})`, WIPED)).toEqual([]);
  // The other replica forecasts the rising licenses above where they are, short of their limits.
  const ahead = rising(await local.query(`${forecast} > on (${PER_LICENSE}) max by (${PER_LICENSE}) (${seats.utilisation})`));
  expect(ahead.length).toBe(2);
  expect(ahead.map((s) => Number(s.value[1])).every((v) => v < 1)).toBe(true);
  // Neither replica raised SeatLimitForecast, not even pending, and nothing reached a receiver.
  for (const replica of [0, WIPED]) expect(await local.query(`count_over_time(ALERTS{alertname="SeatLimitForecast"}[${since}])`, replica)).toEqual([]);
  expect(local.receivers.deliveries.filter((d) => d.alerts.includes("SeatLimitForecast"))).toEqual([]);
}, 600_000);
