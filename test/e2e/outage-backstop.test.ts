// Every Prometheus replica lost in the middle of an outage, the Alertmanagers still running, on prod's
// config (alerts.outage.backstop: managed). Without the backstop, Alertmanager resolves the cluster's
// incident once the replicas' alerts expire in it (about four minutes) while the API is still down.
// Here the managed evaluator's stand-in (render/managed-prometheus.ts, managedStandInConfig: the
// collector's scrapes of the probes and the replicas' /federate, Monarch's lag as a query offset) runs
// the backstop's rule and sends its APIServerDown to the same Alertmanagers: the cluster's incident
// stays open past the expiry, held by the backstop alone, and resolves only after the API answers,
// the replicas still gone.
import * as os from "os";
import * as path from "path";
import { LocalStack } from "../../local/stack";
import { BACKSTOP_SIGNAL } from "../../rules";
import { stackForSuite } from "./suite-stack";

const local = new LocalStack({ stack: "prod", workDir: path.join(os.tmpdir(), `coditect-e2e-outage-backstop-${process.pid}`), basePort: 20090 });
stackForSuite(local);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Prometheus sends a firing alert valid for four resend periods (1 m each); past this, every alert of a stopped replica has expired in Alertmanager. */
const EXPIRED_MS = 4 * 60_000 + 30_000;

test("every Prometheus lost mid-outage, the Alertmanagers running: the cluster's incident is held by the backstop until the API answers", async () => {
  const since = Date.now();
  await local.fault("exit");
  const page = await local.waitForDelivery((d) => d.receiver === "pagerduty" && d.integration === "alertmanager" && d.status === "firing", since, 60_000);
  expect(page).toMatchObject({ opened: true });
  await sleep(15_000);

  const lost = Date.now();
  await local.fault("prometheus-stop");
  await sleep(EXPIRED_MS);

  // Only the backstop's alert is left in Alertmanager, and the incident is still open.
  const active = (await local.alertmanagerAlerts()).filter((a) => a.labels.alertname === "APIServerDown" && a.status.state === "active");
  console.log(`active APIServerDown alerts ${((Date.now() - lost) / 1000).toFixed(0)} s after the replicas stopped: ${active.map((a) => a.labels.signal).join(", ")}`);
  expect(active.map((a) => a.labels.signal)).toEqual([BACKSTOP_SIGNAL]);
  const cluster = local.receivers.incidents.filter((i) => i.integration === "alertmanager");
  expect(cluster).toHaveLength(1);
  expect(cluster[0].resolvedAt).toBeUndefined();

  // The API answers, the replicas still gone: the backstop lets go, and the incident resolves.
  const recovered = Date.now();
  await local.recoverApi();
  await local.until(() => cluster[0].resolvedAt !== undefined, 180_000, "the cluster's incident to resolve");
  const resolvedAfter = (cluster[0].resolvedAt! - recovered) / 1000;
  console.log(`the cluster's incident resolved ${resolvedAfter.toFixed(1)} s after the API answered (the replicas stopped ${((recovered - lost) / 1000).toFixed(0)} s before)`);
  expect(resolvedAfter).toBeGreaterThan(0);

  // One incident through Alertmanager for the whole outage; the others come through their own
  // integrations and say the monitoring is gone (the heartbeat's; the uptime check's, open from about
  // 3.5 minutes of blindness).
  await sleep(30_000);
  const opened = local.receivers.incidentsOpenedSince(since);
  console.log(`incidents: ${opened.map((i) => `${i.integration} ${i.alerts.join("+")}${i.resolvedAt ? ` resolved ${((i.resolvedAt - recovered) / 1000).toFixed(0)} s after the API` : " open"}`).join("; ")}`);
  expect(opened.filter((i) => i.integration === "alertmanager")).toHaveLength(1);
  expect(opened.map((i) => i.integration).sort()).toEqual(expect.arrayContaining(["alertmanager", "uptimeCheck"]));
  for (const i of opened) if (i.integration !== "heartbeat") expect(i.resolvedAt === undefined || i.resolvedAt >= recovered).toBe(true);
}, 900_000);
