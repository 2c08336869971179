// A Prometheus replica restarted on an empty volume while licenses' sessions climb: the minutes it
// holds are no trend, so it records no seat forecast and raises no SeatLimitForecast, while the replica
// that kept its history forecasts the same licenses, below their limits. The forecast's timings are
// shortened from hours to minutes so that the lookback fills within the test.
import * as os from "os";
import * as path from "path";
import { duration, seconds } from "../../lib/duration";
import { PER_LICENSE, SEAT_FORECAST_SERIES } from "../../lib/identities";
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
  adjust: (c) => ({ config: { ...c, alerts: { ...c.alerts, perLicense: { evaluationInterval: EVERY }, forecast: FORECAST } } }),
});
stackForSuite(local);

const { sessions, utilisation: forecast } = SEAT_FORECAST_SERIES;
const WIPED = 1;
const RISING = '{license_key=~"LIC-ENTERPRISE-.*"}';

test("a replica wiped while sessions climb forecasts nothing and raises no SeatLimitForecast until it holds half the lookback", async () => {
  const every = seconds(EVERY);
  // Long enough for a forecast from the wiped replica's first samples to fire (its first scrape, then
  // recorded and downsampled within three evaluations, the regression from the second sample on, then
  // for:), short of the half lookback after which its history suffices.
  const watch = 105;
  expect(4 * every + seconds(FORECAST.for)).toBeLessThan(watch);
  expect(watch).toBeLessThan(seconds(FORECAST.lookback) / 2);

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
  const rise = await local.query(`max_over_time(${sessions}${RISING}[${watch}s]) - min_over_time(${sessions}${RISING}[${watch}s]) > 0`, WIPED);
  expect(rise.length).toBe(2);
  expect(await local.query(`count_over_time(${forecast}[${watch}s])`, WIPED)).toEqual([]);
  // The other replica forecasts the rising licenses above where they are, short of their limits.
  const ahead = await local.query(`${forecast}${RISING} > on (${PER_LICENSE}) license_tenant:seat_utilisation:ratio`);
  expect(ahead.length).toBe(2);
  expect(ahead.map((s) => Number(s.value[1])).every((v) => v < 1)).toBe(true);
  // Neither replica raised SeatLimitForecast, not even pending, and nothing reached a receiver.
  for (const replica of [0, WIPED]) expect(await local.query(`count_over_time(ALERTS{alertname="SeatLimitForecast"}[${since}])`, replica)).toEqual([]);
  expect(local.receivers.deliveries.filter((d) => d.alerts.includes("SeatLimitForecast"))).toEqual([]);
}, 600_000);
