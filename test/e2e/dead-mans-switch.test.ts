// A cluster whose containers all run but whose pages go nowhere: Alertmanager cannot reach PagerDuty
// (egress, DNS, a revoked key) when an outage needs paging. The Watchdog is withheld (rules/watchdog.ts),
// the heartbeat stops, and the heartbeat service's stand-in pages through its own integration within
// the period plus grace that docs/bootstrap.md promises; once PagerDuty is reachable again the
// heartbeat returns and that incident resolves.
import * as os from "os";
import * as path from "path";
import { HEARTBEAT_GRACE_SECONDS, HEARTBEAT_PERIOD_SECONDS } from "../../render/alertmanager-config";
import type { Delivery } from "../../local/receivers";
import { LocalStack } from "../../local/stack";
import { stackForSuite } from "./suite-stack";

const local = new LocalStack({ stack: "prod", workDir: path.join(os.tmpdir(), `coditect-e2e-dead-mans-switch-${process.pid}`), basePort: 24590 });
stackForSuite(local);

const heartbeatPage = (status: Delivery["status"]) => (d: Delivery) => d.receiver === "pagerduty" && d.integration === "heartbeat" && d.status === status;

test("PagerDuty unreachable from Alertmanager during an outage: the heartbeat service pages within its period plus grace of the last ping", async () => {
  const promise = HEARTBEAT_PERIOD_SECONDS + HEARTBEAT_GRACE_SECONDS;
  // A heartbeat that has been running, as in any deployment.
  const firstPing = await local.waitForDelivery((d) => d.receiver === "heartbeat", 0, 120_000);
  expect(firstPing).toBeDefined();
  const since = Date.now();
  await local.fault("pagerduty-cut");
  await local.fault("exit");
  const page = await local.waitForDelivery(heartbeatPage("firing"), since, (promise + 120) * 1000);
  expect(page).toMatchObject({ opened: true, alerts: ["DeadMansSwitch"] });
  const lastPing = Math.max(...local.receivers.deliveries.filter((d) => d.receiver === "heartbeat" && d.at < page!.at).map((d) => d.at));
  // The Watchdog stopped within a scrape and an evaluation of the first failed request.
  console.log(`PagerDuty cut: last ping ${((lastPing - since) / 1000).toFixed(1)} s after the cut, heartbeat page ${((page!.at - since) / 1000).toFixed(1)} s after it`);
  expect((page!.at - lastPing) / 1000).toBeLessThanOrEqual(promise + 5);
  expect((page!.at - since) / 1000).toBeLessThanOrEqual(promise + HEARTBEAT_PERIOD_SECONDS);
  // Nothing reached PagerDuty through Alertmanager meanwhile.
  expect(local.receivers.incidentsOpenedSince(since).map((i) => i.integration)).toEqual(["heartbeat"]);

  // The API recovers, then PagerDuty becomes reachable again: the heartbeat returns and its incident
  // resolves, and nothing pages for the outage that is over.
  const recovered = Date.now();
  await local.recoverApi();
  await new Promise((r) => setTimeout(r, 60_000));
  await local.fault("recover");
  expect(await local.waitForDelivery(heartbeatPage("resolved"), recovered, 300_000)).toMatchObject({ incident: page!.incident });
  await new Promise((r) => setTimeout(r, 30_000));
  expect(local.receivers.incidentsOpenedSince(recovered)).toEqual([]);
}, 900_000);
