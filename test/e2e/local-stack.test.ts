// End to end on the local stack: faults injected into the simulated license API, pages observed
// where the three clustered Alertmanagers deliver them. The outage path runs with prod's timings as
// they are; only the slow-burning alerts' `for:` is shortened so the whole file stays within minutes.
// Each test injects the faults it needs and passes when run alone (jest -t). The last one also runs
// the monthly report of the running month against this stack's Prometheus and Alertmanager. Both
// Prometheus replicas remote-write the long-term metrics to a third Prometheus standing in for the
// long-term store, with the cluster's write relabelling, HA labels and queue (render/remote-write.ts).
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { DateTime } from "luxon";
import { dataSources, renderDashboards } from "../../dashboards";
import { METRIC_CONTRACT } from "../../rules/metric-contract";
import { HA_CLUSTER_LABEL, PER_LICENSE_LABELS, REPLICA_LABEL } from "../../render/remote-write";
import { RECEIVERS, SLACK_RECEIVERS } from "../../render/alertmanager-config";
import { seconds } from "../../lib/duration";
import { SEAT_AGGREGATES, SEAT_FORECAST, SLI_SERIES } from "../../lib/identities";
import { PROJECT_ROOT } from "../../lib/stack-file";
import type { Report } from "../../report/compute";
import { longRangePanelSeries, longTermSeries, REPORT_SERIES } from "../../lib/long-term";
import type { Delivery } from "../../local/receivers";
import { LocalStack } from "../../local/stack";
import { stackForSuite } from "./suite-stack";
import { promQueries } from "../grafana/dashboard-queries";

const SHORT_FOR = "15s";
const local = new LocalStack({
  stack: "prod",
  workDir: path.join(os.tmpdir(), `coditect-e2e-${process.pid}`),
  basePort: 29090,
  adjust: (c) => ({
    config: {
      ...c,
      alerts: {
        ...c.alerts,
        errorRate: { ...c.alerts.errorRate, for: SHORT_FOR },
        latencyP95Seconds: { ...c.alerts.latencyP95Seconds, for: SHORT_FOR },
        seatUtilisation: { ...c.alerts.seatUtilisation, for: SHORT_FOR },
        seatDenialsPerSecond: { ...c.alerts.seatDenialsPerSecond, for: SHORT_FOR },
        redisErrorsPerSecond: { ...c.alerts.redisErrorsPerSecond, for: SHORT_FOR },
        databaseP95Seconds: { ...c.alerts.databaseP95Seconds, for: SHORT_FOR },
        // The seat alerts' groups evaluate once a minute in prod: with their for: shortened, at the
        // pace of the others, so that they fire within the test's wait.
        perLicense: { ...c.alerts.perLicense, evaluationInterval: SHORT_FOR },
      },
    },
  }),
});

const is = (receiver: Delivery["receiver"], alert: string, status: Delivery["status"] = "firing") => (d: Delivery) =>
  d.receiver === receiver && d.alerts.includes(alert) && d.status === status;

/** Alert names Prometheus (replica 0) has firing: pending ones are not alerts anyone receives. */
async function firing(): Promise<Set<string>> {
  return new Set((await local.query('ALERTS{alertstate="firing"}')).map((a) => a.metric.alertname));
}

/** Waits until Prometheus fires each alert and the stand-in receiver it routes to has received it. */
async function raisedAndDelivered(alerts: Record<string, Delivery["receiver"]>, since: number, timeoutMs: number) {
  const names = Object.keys(alerts);
  const delivered = (name: string) => local.receivers.deliveries.some((d) => d.at >= since && is(alerts[name], name)(d));
  let now = new Set<string>();
  try {
    await local.until(async () => {
      now = await firing();
      return names.every((name) => now.has(name) && delivered(name));
    }, timeoutMs, `${names.join(", ")} firing and delivered`);
  } catch (e) {
    // Say what was missing, and what Alertmanager made of it (inhibited by what).
    const held = await local.alertmanagerAlerts(1).catch(() => []);
    const state = names.map((name) => {
      const am = held.filter((a) => a.labels.alertname === name).map((a) => `${a.status.state}${a.status.inhibitedBy.length ? ` by ${held.filter((b) => a.status.inhibitedBy.includes(b.fingerprint)).map((b) => b.labels.alertname).join("+") || a.status.inhibitedBy.join("+")}` : ""}`);
      return `${name}: ${now.has(name) ? "firing" : "not firing"}, ${delivered(name) ? "delivered" : "not delivered"}, in Alertmanager ${am.join(", ") || "absent"}`;
    });
    throw new Error(`${(e as Error).message}\n${state.join("\n")}`);
  }
}

/** The last PagerDuty event for this alert is a trigger: its incident is open. */
const pageOpen = (alert: string) => local.receivers.deliveries.filter((d) => d.receiver === "pagerduty" && d.alerts.includes(alert)).at(-1)?.status === "firing";

/**
 * The queries of failures whose truth, when nothing failed, is 0: the error ratio by tier, and every
 * query made with orZeroWhere (Redis errors, seat denials, the span error ratio), and the worst seat
 * denials the seat panel draws by default (recorded alike).
 */
const isFailureQuery = (expr: string) =>
  / or 0 \* /.test(expr) || expr.includes("tier:license_validation_error_ratio:rate5m") || expr.includes(SEAT_AGGREGATES.denialsWorst);

/**
 * Every dashboard query, run where Grafana would send it: those that return nothing, and of the failure
 * queries, those whose every value is 0. The seat forecast says nothing until its lookback holds
 * enough history (rules/seat-forecast.ts), which a stack minutes old has not: it is left out.
 */
async function dashboardState() {
  const longTerm = dataSources(local.config).longTerm.uid;
  const queries = renderDashboards(local.config)
    .flatMap(({ model }) => promQueries(model))
    .filter((q) => !(q.expr.includes("predict_linear") || q.expr.includes(SEAT_FORECAST.fullest)) || q.expr.endsWith("or vector(0)"));
  const state = { empty: [] as string[], zero: [] as string[], failures: [] as string[] };
  for (const q of queries) {
    const where = `${q.where}${q.datasource === longTerm ? " (long-term store)" : ""}: ${q.expr}`;
    const result = q.datasource === longTerm ? await local.queryLongTerm(q.expr) : await local.query(q.expr);
    if (result.length === 0) state.empty.push(where);
    if (!isFailureQuery(q.expr)) continue;
    state.failures.push(where);
    if (result.length > 0 && result.every((r) => Number(r.value[1]) === 0)) state.zero.push(where);
  }
  return state;
}

stackForSuite(local);

describe("local stack, prod timings", () => {
  test("two Prometheus replicas and three clustered Alertmanagers run the rendered config", () => {
    expect(local.urls.prometheus).toHaveLength(2);
    expect(local.urls.alertmanager).toHaveLength(3);
  });

  // Before any fault: nothing has failed, no seat was denied, no span errored, and the API's counters of
  // those do not exist yet (they appear at first use). A person reads 0 there, never "No data".
  test("on a healthy API, before any failure, every Prometheus query of every dashboard returns data, and the panels of failures read 0", async () => {
    let state = { empty: [] as string[], zero: [] as string[], failures: [] as string[] };
    await local
      .until(async () => {
        state = await dashboardState();
        return state.empty.length === 0;
      }, 150_000, "every dashboard query to return data")
      .catch(() => undefined);
    expect(state.empty).toEqual([]);
    // Every failure query answered, and with 0 throughout.
    expect(state.failures.length).toBeGreaterThanOrEqual(4);
    expect(state.zero).toEqual(state.failures);
  }, 160_000);

  test("slow validations warn HighLatency in Slack", async () => {
    const since = Date.now();
    await local.fault("latency");
    const warning = await local.waitForDelivery(is("slack", "HighLatency"), since, 150_000);
    expect(warning).toBeDefined();
    // Through the alerts' own webhook: a Slack app's webhook posts to its channel whatever the message says.
    expect(warning!.webhook).toBe(SLACK_RECEIVERS[RECEIVERS.slack]);
    expect(local.receivers.deliveries.filter((d) => d.at >= since && d.receiver === "pagerduty")).toEqual([]);
  }, 160_000);




  test("an outage pages once within 60 s, even with an Alertmanager killed, and inhibits the symptoms", async () => {
    // A symptom to inhibit: HighLatency firing before the API goes down.
    await local.fault("latency");
    await local.until(async () => (await firing()).has("HighLatency"), 150_000, "HighLatency to fire");
    const since = Date.now();
    await local.fault("exit");
    local.killAlertmanager(0);
    try {
      const page = await local.waitForDelivery(is("pagerduty", "APIServerDown"), since, 60_000);
      expect(page).toBeDefined();
      expect(page!.at - since).toBeLessThanOrEqual(60_000);

      // Both Prometheus replicas fire both signals and the surviving Alertmanager holds them: one
      // PagerDuty incident, whatever updates it receives as the second signal joins.
      await new Promise((r) => setTimeout(r, 20_000));
      const incidents = local.receivers.incidentsOpenedSince(since);
      expect(incidents.map((i) => [...new Set(i.alerts)])).toEqual([["APIServerDown"]]);
      const triggers = local.receivers.deliveries.filter((d) => d.at >= since && is("pagerduty", "APIServerDown")(d));
      expect(new Set(triggers.map((d) => d.incident))).toEqual(new Set([incidents[0].number]));

      const alerts = await local.alertmanagerAlerts(1);
      const latency = alerts.filter((a) => a.labels.alertname === "HighLatency");
      expect(latency.length).toBeGreaterThan(0);
      for (const a of latency) {
        expect(a.status.state).toBe("suppressed");
        expect(a.status.inhibitedBy.length).toBeGreaterThan(0);
      }
      const newSymptoms = local.receivers.deliveries.filter((d) => d.at > page!.at && d.status === "firing" && !d.alerts.includes("APIServerDown") && d.receiver !== "heartbeat");
      expect(newSymptoms).toEqual([]);
    } finally {
      // The rest of the file, and any test run alone after it, gets both Alertmanagers back.
      local.startAlertmanager(0);
      await local.alertmanagersReady(60_000);
    }
  }, 180_000);

  test("recovery resolves the page, and the month's report shows the outage as downtime", async () => {
    const exited = Date.now() / 1000;
    await local.fault("exit");
    await local.until(() => pageOpen("APIServerDown"), 90_000, "the outage to page");
    const open = local.receivers.incidents.find((i) => i.alerts.includes("APIServerDown") && i.resolvedAt === undefined);
    const since = Date.now();
    await local.fault("recover");
    const resolved = await local.waitForDelivery(is("pagerduty", "APIServerDown", "resolved"), since, 150_000);
    expect(resolved).toBeDefined();
    expect(resolved!.incident).toBe(open?.number);

    // The report of the running month, from this stack's Prometheus and Alertmanager, as an operator runs it.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "coditect-e2e-report-"));
    const month = DateTime.utc().toFormat("yyyy-MM");
    await promisify(execFile)(
      path.join(PROJECT_ROOT, "node_modules/.bin/tsx"),
      ["report/cli.ts", "--stack", "prod", "--month", month, ...local.urls.prometheus.flatMap((u) => ["--prometheus", u]), "--alertmanager", local.urls.alertmanager[0], "--out", out],
      { cwd: PROJECT_ROOT },
    );
    const report = JSON.parse(fs.readFileSync(path.join(out, `prod-${month}.json`), "utf8")) as Report;
    fs.rmSync(out, { recursive: true, force: true });
    // One downtime period holds this outage: it began when the API exited (or earlier, when a test
    // before this one left it down) and ended when it answered again. Both replicas' records are merged
    // per evaluation interval: the interval in which the first replica saw it answer is no downtime.
    const recovered = since / 1000;
    const interval = seconds(local.config.prometheus.evaluationInterval);
    const periods = report.downtime.filter((p) => p.start <= recovered && p.end >= recovered - 2 * interval);
    expect(periods).toHaveLength(1);
    expect(periods[0].start).toBeLessThanOrEqual(exited + 20);
    expect(periods[0].end).toBeGreaterThanOrEqual(recovered - interval);
    // The report counts whole evaluation intervals, and the alert rules and the SLI's records are
    // evaluated in different groups: the last interval a replica recorded as down can end up to one
    // interval after the evaluation that resolved the page.
    expect(periods[0].end).toBeLessThanOrEqual(resolved!.at / 1000 + interval);
    expect(Object.keys(report.replicas)).toEqual(local.urls.prometheus);
    expect(periods[0].signals).toContain("probe");
    expect(report.alerts.find((a) => a.alertname === "APIServerDown")).toMatchObject({ receiver: "pagerduty", page: true, receiverDelivers: true });
    expect(report.alerts.find((a) => a.alertname === "APIServerDown")!.fired).toBeGreaterThanOrEqual(1);
    // The stack began this month only minutes ago: the rest of the month is unknown, not downtime.
    expect(report.unknownMinutes).toBeGreaterThan(0);
    expect(report.overall.worstCase).toBeLessThan(report.overall.availability);
    expect(report.overall.met).toBe(false);
    expect(report.routing).toBe(`the configuration Alertmanager at ${local.urls.alertmanager[0]} runs`);
    expect(report.silences).toMatchObject({ checked: true, alertmanager: local.urls.alertmanager[0], list: [] });
  }, 260_000);


  // Warnings first, then the page.
  test("seats and db faults fire SeatExhaustion, FrequentSeatDenials and DatabaseSlowQueries to Slack; redis fires RedisConnectionFailures to PagerDuty", async () => {
    const since = Date.now();
    for (const fault of ["seats", "db"] as const) await local.fault(fault);
    await raisedAndDelivered({ SeatExhaustion: "slack", FrequentSeatDenials: "slack", DatabaseSlowQueries: "slack" }, since, 150_000);
    await local.fault("redis");
    await raisedAndDelivered({ RedisConnectionFailures: "pagerduty" }, since, 150_000);
    const slack = local.receivers.deliveries.filter((d) => d.at >= since && d.receiver === "slack");
    expect(new Set(slack.map((d) => d.webhook))).toEqual(new Set([SLACK_RECEIVERS[RECEIVERS.slack]]));
  }, 320_000);

  test("an error burst pages once: HighErrorRate, then the ErrorBudgetBurn it causes, in one PagerDuty incident", async () => {
    const since = Date.now();
    await local.fault("errors");
    expect(await local.waitForDelivery(is("pagerduty", "HighErrorRate"), since, 150_000)).toBeDefined();
    // The burn: the 5m error rate climbs for five minutes, and the hour's share of failures passes 14.4x
    // the budget about four minutes in, then the alert's for: (2m).
    expect(await local.waitForDelivery(is("pagerduty", "ErrorBudgetBurn"), since, 480_000)).toBeDefined();
    // Both in the incident the burst opened (or in one the service already had open): one page at most.
    const triggers = local.receivers.deliveries.filter((d) => d.at >= since && d.receiver === "pagerduty" && d.status === "firing" && d.alerts.some((a) => ["HighErrorRate", "ErrorBudgetBurn"].includes(a)));
    expect(new Set(triggers.map((d) => d.incident)).size).toBe(1);
    expect(local.receivers.incidentsOpenedSince(since).length).toBeLessThanOrEqual(1);
  }, 500_000);

  test("under errors, Redis errors and seat denials every Prometheus query of every dashboard returns data, and the panels of failures show them", async () => {
    for (const fault of ["errors", "redis", "seats"] as const) await local.fault(fault);
    let state = { empty: [] as string[], zero: [] as string[], failures: [] as string[] };
    await local
      .until(async () => {
        state = await dashboardState();
        return state.empty.length === 0 && state.zero.length === 0;
      }, 150_000, "every dashboard query to return data, and the failure panels more than 0")
      .catch(() => undefined);
    expect({ empty: state.empty, zero: state.zero }).toEqual({ empty: [], zero: [] });
    expect(state.failures.length).toBeGreaterThanOrEqual(4);
  }, 160_000);

  test("the long-term store gets the allowlisted series from both replicas with the HA labels, and no license key", async () => {
    const replicas = local.ports.prometheus.map((_, i) => `prometheus-local-${i}`);
    // Both replicas have flushed their queue at least once (batch_send_deadline).
    await local.until(async () => {
      const seen = new Set((await local.longTermSeries()).map((s) => s[REPLICA_LABEL]));
      return replicas.every((r) => seen.has(r));
    }, 60_000, "both replicas' remote write");
    const series = await local.longTermSeries();
    // Every license the API has reported, under any per-license label (over the last hour: an earlier test may have left it down).
    const keys = (
      await Promise.all(PER_LICENSE_LABELS.map(async (label) => (await local.query(`count by (${label}) (last_over_time({${label}=~".+"}[1h]))`)).map((r) => r.metric[label])))
    ).flat();
    expect(keys.length).toBeGreaterThan(0);
    const perLicenseMetrics = METRIC_CONTRACT.filter((m) => m.labels.some((l) => (PER_LICENSE_LABELS as readonly string[]).includes(l))).map((m) => m.name);

    const leaks = series.filter((s) => Object.keys(s).some((l) => (PER_LICENSE_LABELS as readonly string[]).includes(l)) || Object.values(s).some((v) => keys.some((k) => v.includes(k))));
    expect(leaks).toEqual([]);
    const rawPerLicense = series.filter((s) => perLicenseMetrics.some((m) => s.__name__ === m || s.__name__.startsWith(`${m.replace(/_total$/, "")}_`)));
    expect(rawPerLicense).toEqual([]);
    for (const s of series) {
      expect({ series: s.__name__, replica: replicas.includes(s[REPLICA_LABEL]), cluster: s[HA_CLUSTER_LABEL] }).toEqual({ series: s.__name__, replica: true, cluster: local.config.cluster.name });
    }

    // The monthly report runs against the long-term store: every series it reads that this stack has is there.
    const reportSeries = Object.values(REPORT_SERIES);
    const here = (await local.query(`count by (__name__) ({__name__=~"${reportSeries.join("|")}"})`)).map((r) => r.metric.__name__);
    expect(here).toEqual(expect.arrayContaining([REPORT_SERIES.alerts, REPORT_SERIES.unavailable, REPORT_SERIES.tierRequestRate]));
    const stored = new Set(series.filter((s) => s[REPLICA_LABEL] === replicas[0]).map((s) => s.__name__));
    expect(here.filter((name) => !stored.has(name))).toEqual([]);
    // Nothing else leaves: only the long-term readers' series (lib/long-term.ts), the SLO dashboard's
    // long-range panels' among them.
    const readers = longTermSeries(local.config).map((s) => s.name);
    expect([...stored].filter((name) => !readers.includes(name))).toEqual([]);
    expect(longRangePanelSeries(local.config).filter((name) => !stored.has(name))).toEqual([]);

    // What the closing note reports, and what the queue is sized for.
    const perReplica = replicas.map((r) => series.filter((s) => s[REPLICA_LABEL] === r).length);
    const local0 = Number((await local.query('count({__name__=~".+"})'))[0].value[1]);
    const lastMinute = await local.longTermSamples(`{${REPLICA_LABEL}="${replicas[1]}"}[1m]`);
    console.log(
      [
        "| measure | value |",
        "| --- | --- |",
        `| series in one local Prometheus replica | ${local0} |`,
        `| series sent per replica (${replicas.join(", ")}) | ${perReplica.join(", ")} |`,
        `| series with samples in the last minute, one replica | ${lastMinute.length} |`,
        `| samples received in the last minute, one replica | ${lastMinute.reduce((n, s) => n + s.values.length, 0)} |`,
        `| longTermMetrics.expectedSeries | ${local.config.longTermMetrics.expectedSeries} |`,
      ].join("\n"),
    );
    for (const n of perReplica) expect(n).toBeLessThanOrEqual(local.config.longTermMetrics.expectedSeries);
    expect(perReplica[0]).toBeLessThan(local0);
  }, 90_000);

  test("killing a Prometheus replica loses no sample at the long-term store: the other replica's stream goes on", async () => {
    const selector = SLI_SERIES.unavailable;
    const interval = seconds(local.config.prometheus.evaluationInterval);
    // Replica 1: the other tests and the monthly report read replica 0, which must keep every sample.
    const [survivor, killed] = [0, 1];
    const killedAt = Date.now() / 1000;
    local.killPrometheus(killed);
    try {
      // Longer than Mimir's HA failover timeout (30s by default), the time it would take to switch replicas.
      await new Promise((r) => setTimeout(r, 35_000));
      const streams = await local.longTermSamples(`${selector}[75s]`);
      const byReplica = Object.fromEntries(streams.map((s) => [s.metric[REPLICA_LABEL], s.values.map(([t]) => Number(t))]));
      const kept = byReplica[`prometheus-local-${survivor}`] ?? [];
      const stopped = byReplica[`prometheus-local-${killed}`] ?? [];
      // The survivor covers the whole window around the kill, one sample per probe interval.
      expect(kept[0]).toBeLessThan(killedAt - 2 * interval);
      expect(kept.at(-1)).toBeGreaterThan(killedAt + 30 - 2 * interval);
      const gaps = kept.slice(1).map((t, i) => t - kept[i]);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(1.5 * interval);
      // The killed replica had been sending, and stopped.
      expect(stopped.length).toBeGreaterThan(0);
      expect(stopped.at(-1)!).toBeLessThan(killedAt + interval);
    } finally {
      local.startPrometheus(killed);
      await local.until(async () => (await fetch(`${local.urls.prometheus[killed]}/-/ready`).catch(() => undefined))?.ok === true, 60_000, `prometheus-${killed} to be ready again`);
    }
  }, 120_000);
});
