// The per-license groups placed on Managed Service for Prometheus' rule evaluator
// (alerts.perLicense.evaluator: managed), on the local stack: a Prometheus stands in for the managed
// collector and evaluator (render/managed-prometheus.ts, managedStandInConfig), scraping the seats
// exporter of an API under the metric contract with the collector's target labels and sending its
// alerts, with the evaluator's labels, to the stack's Alertmanagers. A license running out of seats
// fires SeatExhaustion there, and it reaches the Slack receiver it reaches from the cluster's
// Prometheus; the Prometheus replicas evaluate neither group. The seat alert's for: and the seats
// exporter's scrape are shortened so that the test takes a couple of minutes.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RECEIVERS, SLACK_RECEIVERS } from "../../render/alertmanager-config";
import { DateTime } from "luxon";
import { renderDashboards } from "../../dashboards";
import { parseOptions, runReport } from "../../report/cli";
import { seconds } from "../../lib/duration";
import { SEAT_AGGREGATES, seatsJob } from "../../lib/identities";
import { inManagedScope, PLACED_AGGREGATES } from "../../lib/managed-scope";
import { LocalStack, sleep } from "../../local/stack";
import { monarchQueries } from "../grafana/dashboard-queries";
import type { Delivery } from "../../local/receivers";
import { EXPECTED_ALERTS } from "../../rules/tests/expected-alerts";
import { stackForSuite } from "./suite-stack";

const EVERY = "15s";
const FORECAST_LOOKBACK = "5m";
const local = new LocalStack({
  stack: "prod",
  workDir: path.join(os.tmpdir(), `coditect-e2e-managed-evaluator-${process.pid}`),
  basePort: 28090,
  labelScheme: "contract",
  adjust: (c) => ({
    config: {
      ...c,
      licenseApi: { ...c.licenseApi, seats: { ...c.licenseApi.seats, scrapeInterval: EVERY, scrapeTimeout: "10s" } },
      alerts: {
        ...c.alerts,
        perLicense: { evaluationInterval: EVERY, evaluator: "managed" },
        seatUtilisation: { ...c.alerts.seatUtilisation, for: "30s" },
        // The shortest lookback the config allows at this scrape (20 samples), so that the forecast's
        // aggregates exist within the test: a license is forecast once it holds half of it.
        forecast: { lookback: FORECAST_LOOKBACK, horizon: "20m", for: "30s", evaluationInterval: EVERY },
      },
    },
  }),
});
stackForSuite(local);

const MANAGED_GROUPS = ["license-api.per-license", "license-api.seat-forecast"];

test("the stand-in runs the per-license and forecast groups, and the Prometheus replicas do not", async () => {
  // Beside prod's outage backstop (alerts.outage.backstop: managed), which the replicas never run either.
  expect((await local.ruleGroups(local.urls.managedEvaluator)).sort()).toEqual([...MANAGED_GROUPS, "license-api.outage-backstop"].sort());
  for (const url of local.urls.prometheus) {
    const groups = await local.ruleGroups(url);
    expect(groups.length).toBeGreaterThan(5);
    for (const g of MANAGED_GROUPS) expect(groups).not.toContain(g);
  }
  // The collector's target labels: the job named after the PodMonitoring, the pod and port name in instance.
  const [up] = await local.queryManaged(`up{job="${seatsJob(local.config)}"}`);
  expect(up.metric).toMatchObject({ job: seatsJob(local.config), namespace: local.config.namespaces.licenseApi, instance: `${local.config.licenseApi.seats.service}-local-0:${local.config.licenseApi.seats.metricsPortName}`, cluster: local.config.cluster.name });
});

test("a license out of seats fires SeatExhaustion from the stand-in, to the Slack receiver it reaches from the cluster's Prometheus", async () => {
  const since = Date.now();
  await local.fault("seats");
  const isSeat = (d: Delivery) => d.receiver === "slack" && d.status === "firing" && d.alerts.includes("SeatExhaustion");
  const delivery = await local.waitForDelivery(isSeat, since, 180_000);
  expect(delivery).toBeDefined();
  console.log(`managed evaluator: SeatExhaustion delivered ${((delivery!.at - since) / 1000).toFixed(0)} s after the fault`);
  // The receiver, and the webhook (so the channel), of SeatExhaustion as the routing expects it.
  expect(EXPECTED_ALERTS.find((a) => a.alert === "SeatExhaustion")?.receiver).toBe(RECEIVERS.slack);
  expect(delivery!.webhook).toBe(SLACK_RECEIVERS[RECEIVERS.slack]);

  // It is the stand-in's: firing there, held by Alertmanager with the evaluator's labels.
  expect(await local.queryManaged('ALERTS{alertname="SeatExhaustion", alertstate="firing"}')).not.toEqual([]);
  const held = (await local.alertmanagerAlerts()).filter((a) => a.labels.alertname === "SeatExhaustion");
  expect(held.length).toBeGreaterThan(0);
  for (const a of held) {
    expect(a.labels).toMatchObject({
      project_id: local.config.gcp.project,
      location: local.config.cluster.location,
      cluster: local.config.cluster.name,
      namespace: local.config.namespaces.licenseApi,
      environment: local.config.environment,
      team: "license-api",
      severity: "warning",
    });
    expect(a.labels.prometheus).toBeUndefined();
  }

  // Neither replica evaluated it, not even pending; both still scrape the seats exporter (the
  // Selected license panels read it there).
  const window = `${Math.ceil((Date.now() - since) / 1000) + 60}s`;
  for (let i = 0; i < local.urls.prometheus.length; i++) {
    expect(await local.query(`count_over_time(ALERTS{alertname="SeatExhaustion"}[${window}])`, i)).toEqual([]);
    expect(await local.query(`up{job="${seatsJob(local.config)}"} == 1`, i)).not.toEqual([]);
  }
}, 240_000);

test("the seat panels' queries of Monarch read one series each from what the stand-in records; the cluster's Prometheus holds none of it", async () => {
  const queries = renderDashboards(local.config).flatMap((d) => monarchQueries(d.model));
  expect(queries.length).toBeGreaterThanOrEqual(PLACED_AGGREGATES.length);
  // The forecast's aggregates exist once a license holds half the lookback.
  const deadline = Date.now() + (seconds(FORECAST_LOOKBACK) / 2 + 90) * 1000;
  let counts: { where: string; series: number }[] = [];
  for (;;) {
    counts = await Promise.all(queries.map(async (q) => ({ where: q.where, series: (await local.queryManaged(q.expr)).length })));
    if (counts.every((x) => x.series === 1) || Date.now() > deadline) break;
    await sleep(5_000);
  }
  expect(counts).toEqual(queries.map((q) => ({ where: q.where, series: 1 })));
  // And still so evaluations later, every aggregate recorded by then (a count read beside a label-less
  // 0 had shown one series only while its group had not yet recorded it).
  await sleep(2 * seconds(EVERY) * 1000);
  const again = await Promise.all(queries.map(async (q) => ({ where: q.where, series: (await local.queryManaged(q.expr)).length })));
  expect(again).toEqual(queries.map((q) => ({ where: q.where, series: 1 })));
  // After the seats fault, the fullest license is past SeatExhaustion's threshold there.
  const [fullest] = await local.queryManaged(inManagedScope(local.config, SEAT_AGGREGATES.utilisationFullest));
  expect(Number(fullest.value[1])).toBeGreaterThan(local.config.alerts.seatUtilisation.threshold);
  for (let i = 0; i < local.urls.prometheus.length; i++) {
    for (const name of PLACED_AGGREGATES) expect({ name, series: await local.query(name, i) }).toEqual({ name, series: [] });
  }
  // The stand-in scrapes the seats exporter: its guard is not even pending (it may have been before
  // the first scrape).
  expect(await local.queryManaged('ALERTS{alertname="SeatsNotCollected"}')).toEqual([]);
}, 300_000);

test("the monthly report counts the stand-in's SeatExhaustion, read from it as from Monarch (its alerts carry the evaluator's labels)", async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "coditect-e2e-managed-report-"));
  try {
    const month = DateTime.utc().toFormat("yyyy-MM");
    const options = parseOptions(["--stack", "prod", "--month", month, ...local.urls.prometheus.flatMap((u) => ["--prometheus", u]), "--managed-prometheus", local.urls.managedEvaluator, "--out", out], {});
    const { report } = await runReport(options, {}, () => {}, local.config);
    expect(report.managedEvaluatorAlerts.sort()).toEqual(["SeatExhaustion", "SeatLimitForecast", "SeatsNotCollected"]);
    const seat = report.alerts.find((a) => a.alertname === "SeatExhaustion");
    expect(seat).toMatchObject({ fired: 1, receiver: RECEIVERS.slack, page: false });
    expect(seat!.firingSeconds).toBeGreaterThan(0);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 120_000);
