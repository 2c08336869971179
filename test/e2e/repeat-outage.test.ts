// A flapping API on the local stack with prod timings, as the on-call lives it: an outage pages; a
// recovery shorter than alerts.outage.keepFiringFor is the same incident (no resolve, no new page);
// a recovery that outlasts it resolves the incident; the next outage pages again as a new incident.
// What the stand-in PagerDuty receives is checked, not how fast: timings are the benchmark's. Then the
// cluster goes blind (both Prometheus replicas stopped) and the API falls: the uptime check pages.
import * as os from "os";
import * as path from "path";
import type { Delivery } from "../../local/receivers";
import { LocalStack, sleep } from "../../local/stack";
import { stackForSuite } from "./suite-stack";
import { seconds } from "../../lib/duration";

const local = new LocalStack({ stack: "prod", workDir: path.join(os.tmpdir(), `coditect-e2e-repeat-${process.pid}`), basePort: 25090 });

/** The probe of the health endpoint, the /metrics targets, the probe of the public URL. */
const OUTAGE_SIGNALS = 3;
const outage = (status: Delivery["status"]) => (d: Delivery) => d.receiver === "pagerduty" && d.alerts.includes("APIServerDown") && d.status === status;
const opened = (since: number) => local.receivers.incidentsOpenedSince(since).filter((i) => i.alerts.includes("APIServerDown"));

stackForSuite(local);

test("outage, a flap shorter than the hold, recovery, a new outage: two pages, two PagerDuty incidents", async () => {
  const hold = seconds(local.config.alerts.outage.keepFiringFor) * 1000;
  const start = Date.now();

  // First outage: paged.
  await local.fault("exit");
  const first = await local.waitForDelivery(outage("firing"), start, 90_000);
  expect(first).toMatchObject({ status: "firing", opened: true, incident: 1 });
  expect(new Set(first!.alerts)).toEqual(new Set(["APIServerDown"]));
  // Every signal firing before the flap, so that the flap is the only change.
  await local.until(async () => (await local.query('ALERTS{alertname="APIServerDown", alertstate="firing"}')).length === OUTAGE_SIGNALS, 60_000, "every outage signal to fire");

  // The API answers for a few seconds, well within the hold, and goes down again.
  const flap = Date.now();
  await local.fault("recover");
  await sleep(3_000);
  await local.fault("exit");
  // Past the hold, the flap has had every chance to resolve the incident or open another: it did neither.
  await sleep(hold + 15_000);
  expect(local.receivers.deliveries.filter((d) => d.at >= flap && outage("resolved")(d))).toEqual([]);
  expect(opened(start).map((i) => i.number)).toEqual([first!.incident]);

  // A recovery that outlasts the hold resolves the incident.
  const recovered = Date.now();
  await local.fault("recover");
  const resolved = await local.waitForDelivery(outage("resolved"), recovered, 120_000);
  expect(resolved).toMatchObject({ incident: first!.incident });

  // The next outage is a new incident: the on-call is paged again.
  const again = Date.now();
  await local.fault("exit");
  const second = await local.waitForDelivery((d) => outage("firing")(d) && d.opened === true, again, 90_000);
  expect(second).toMatchObject({ status: "firing", opened: true });
  expect(new Set(second!.alerts)).toEqual(new Set(["APIServerDown"]));
  expect(second!.incident).not.toBe(first!.incident);

  // It ends as it should, and nothing reopens after the resolve.
  const end = Date.now();
  await local.fault("recover");
  expect(await local.waitForDelivery(outage("resolved"), end, 120_000)).toMatchObject({ incident: second!.incident });
  await sleep(20_000);
  expect(opened(start).map((i) => i.number)).toEqual([first!.incident, second!.incident]);
  expect(local.receivers.incidents.filter((i) => i.alerts.includes("APIServerDown")).every((i) => i.resolvedAt !== undefined)).toBe(true);
}, 600_000);

test("both Prometheus replicas stopped, then the API falls: the cluster cannot page, the uptime check does, once", async () => {
  const since = Date.now();
  await local.fault("prometheus-stop");
  await local.fault("exit");
  const uptime = (status: Delivery["status"]) => (d: Delivery) => d.receiver === "pagerduty" && d.integration === "uptimeCheck" && d.status === status;
  const page = await local.waitForDelivery(uptime("firing"), since, 360_000);
  expect(page).toMatchObject({ opened: true, alerts: ["UptimeCheckFailed"] });
  // Recovery restarts both replicas and the API: the uptime check's incident closes, and the restarted
  // replicas, finding the API answering, page nothing for the outage that is over.
  const recovered = Date.now();
  await local.fault("recover");
  expect(await local.waitForDelivery(uptime("resolved"), recovered, 240_000)).toMatchObject({ incident: page!.incident });
  await local.ready(120_000);
  await sleep(60_000);
  // The heartbeat service may page too (the monitoring is gone), once Alertmanager stops sending the
  // Watchdog it holds until it expires, about four minutes after Prometheus stopped: that page says
  // something else. The cluster's own alerting pages nothing.
  expect(local.receivers.incidentsOpenedSince(since).filter((i) => i.integration !== "heartbeat").map((i) => i.integration)).toEqual(["uptimeCheck"]);
}, 720_000);
