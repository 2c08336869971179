// One event, one page, on the local stack with prod timings and every Alertmanager replica prod runs:
// an outage long enough to burn the error budget is one PagerDuty incident whatever fires and resolves
// inside it (three signals, the targets signal resolving during the probes' hold, which Alertmanager
// 0.33.1's one source alert per inhibit rule cannot mistake with the inhibition sources of our own),
// and nothing pages after it; what PagerDuty receives is readable; an outage only the public URL shows
// pages once; the uptime check pages nobody while the cluster can; the Watchdog reaches the heartbeat
// every minute.
import * as os from "os";
import * as path from "path";
import { HEARTBEAT_PERIOD_SECONDS } from "../../render/alertmanager-config";
import type { Delivery } from "../../local/receivers";
import { LocalStack, sleep } from "../../local/stack";
import { stackForSuite } from "./suite-stack";

const local = new LocalStack({ stack: "prod", workDir: path.join(os.tmpdir(), `coditect-e2e-one-page-${process.pid}`), basePort: 23090 });
const suiteStarted = Date.now();

const pages = (since: number) => local.receivers.incidentsOpenedSince(since);
const notifications = (since: number) => local.receivers.deliveries.filter((d) => d.at >= since && d.receiver !== "heartbeat");
const outage = (status: Delivery["status"]) => (d: Delivery) => d.receiver === "pagerduty" && d.alerts.includes("APIServerDown") && d.status === status;

/** Recovers the API and waits until no PagerDuty incident is open: the next test starts on a quiet service. */
async function quiet() {
  await local.fault("recover");
  await local.until(() => local.receivers.incidents.every((i) => i.resolvedAt !== undefined), 300_000, "every incident to resolve");
}

stackForSuite(local);

test("every Alertmanager replica prod runs is in the local stack's cluster", () => {
  expect(local.urls.alertmanager).toHaveLength(local.config.alertmanager.replicas);
});

test("a four-minute outage is one incident: three signals, the targets one resolving in the probes' hold, no burn page after it, readable details, no uptime page", async () => {
  await quiet();
  const since = Date.now();
  await local.fault("exit");
  const page = await local.waitForDelivery(outage("firing"), since, 60_000);
  expect(page).toMatchObject({ opened: true, integration: "alertmanager" });
  // Longer than it takes the outage to burn the error budget 14.4x too fast (52 s of an hour) for that
  // alert's for: (2m): the burn, already paged as APIServerDown, must not page again after it.
  await sleep(240_000 - (Date.now() - since));
  // Recovery: the targets signal resolves at the first good scrape while the probes' signals are held.
  const recovered = Date.now();
  await local.fault("recover");
  await local.until(async () => {
    const firing = (await local.query('ALERTS{alertname="APIServerDown", alertstate="firing"}')).map((a) => a.metric.signal);
    return !firing.includes("targets") && firing.includes("probe");
  }, 60_000, "the targets signal to resolve while the probe's is held");
  const resolved = await local.waitForDelivery(outage("resolved"), recovered, 120_000);
  expect(resolved).toMatchObject({ incident: page!.incident });
  // Past every tail (the burn-rate alert's for:, resolved alerts resent), nothing else was delivered.
  await sleep(150_000);
  expect(pages(since).map((i) => i.number)).toEqual([page!.incident]);
  const others = notifications(since).filter((d) => !d.alerts.every((a) => a === "APIServerDown"));
  expect(others).toEqual([]);

  // What PagerDuty received: one line per alert with its summary, runbook and dashboard, as strings,
  // after Alertmanager 0.33.1 parsed each detail as YAML; counts as numbers.
  const triggers = notifications(since).filter(outage("firing"));
  for (const t of triggers) {
    const details = t.details!;
    expect(typeof details.firing).toBe("string");
    expect(typeof details.num_firing).toBe("number");
    const lines = (details.firing as string).split("\n").filter(Boolean);
    expect(lines).toHaveLength(details.num_firing as number);
    for (const line of lines) {
      expect(line).toMatch(/^APIServerDown — License API is down:\u00a0customers cannot validate licenses · runbook https:\/\/\S+#apiserverdown · dashboard https:\/\/\S+\?viewPanel=1$/);
    }
  }
  expect(Math.max(...triggers.map((t) => t.details!.num_firing as number))).toBe(3);
}, 600_000);

test("an outage only the public URL shows (load balancer, DNS, TLS) pages once, through the cluster; the uptime check pages nobody", async () => {
  await quiet();
  const since = Date.now();
  await local.fault("edge");
  const page = await local.waitForDelivery(outage("firing"), since, 60_000);
  expect(page).toMatchObject({ opened: true, integration: "alertmanager" });
  // Long enough for the uptime check's regions to fail and its condition to be evaluated past its duration.
  await sleep(150_000);
  expect((await local.query('ALERTS{alertname="APIServerDown", alertstate="firing"}')).map((a) => a.metric.signal)).toEqual(["public"]);
  expect(local.uptimeCheck.holds()).toBe(false);
  const recovered = Date.now();
  await local.fault("recover");
  expect(await local.waitForDelivery(outage("resolved"), recovered, 120_000)).toMatchObject({ incident: page!.incident });
  expect(pages(since).map((i) => i.number)).toEqual([page!.incident]);
  expect(notifications(since).filter((d) => d.integration === "uptimeCheck")).toEqual([]);
}, 420_000);

test(`the Watchdog reaches the heartbeat at least every ${HEARTBEAT_PERIOD_SECONDS} s over ten minutes, from every clustered Alertmanager replica`, async () => {
  // The suite has run for about ten minutes by now; if run alone, it waits.
  const tenMinutes = 600_000;
  await sleep(Math.max(0, suiteStarted + tenMinutes + 90_000 - Date.now()));
  const pings = local.receivers.deliveries.filter((d) => d.receiver === "heartbeat").map((d) => d.at);
  const window = pings.filter((t) => t >= pings[0] && t <= pings[0] + tenMinutes);
  const gaps = window.slice(1).map((t, i) => t - window[i]);
  expect(gaps.length).toBeGreaterThanOrEqual(9);
  // A send takes a few milliseconds after the flush tick it belongs to: a period, give or take them.
  expect(Math.max(...gaps)).toBeLessThanOrEqual(HEARTBEAT_PERIOD_SECONDS * 1000 + 2_000);
  console.log(`heartbeat over ${((window.at(-1)! - window[0]) / 60_000).toFixed(1)} min: ${window.length} pings, longest gap ${(Math.max(...gaps) / 1000).toFixed(1)} s`);
}, 900_000);
