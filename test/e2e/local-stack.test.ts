// End to end on the local stack: faults injected into the simulated license API, pages observed
// where the two clustered Alertmanagers deliver them. The outage path runs with prod's timings as
// they are; only the slow-burning alerts' `for:` is shortened so the whole file stays within minutes.
import * as os from "os";
import * as path from "path";
import { renderDashboards } from "../../dashboards";
import type { Delivery } from "../../local/receivers";
import { LocalStack } from "../../local/stack";
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
      },
    },
  }),
});

const is = (receiver: Delivery["receiver"], alert: string, status: Delivery["status"] = "firing") => (d: Delivery) =>
  d.receiver === receiver && d.alerts.includes(alert) && d.status === status;

beforeAll(async () => {
  local.on("crash", (c) => {
    throw new Error(`${c.name} crashed: see ${c.log}`);
  });
  await local.start();
  await local.ready(120_000);
}, 150_000);

afterAll(() => local.stop(), 30_000);

describe("local stack, prod timings", () => {
  test("two Prometheus replicas and two clustered Alertmanagers run the rendered config", () => {
    expect(local.urls.prometheus).toHaveLength(2);
    expect(local.urls.alertmanager).toHaveLength(2);
  });

  test("slow validations warn HighLatency in Slack", async () => {
    const since = Date.now();
    await local.fault("latency");
    const warning = await local.waitForDelivery(is("slack", "HighLatency"), since, 150_000);
    expect(warning).toBeDefined();
    expect(warning!.channel).toBe(local.config.slack.channel);
    expect(local.receivers.deliveries.filter((d) => d.at >= since && d.receiver === "pagerduty")).toEqual([]);
  }, 160_000);

  // A critical alert inhibits the warnings of its service, so the latency warning goes quiet here.
  test("an error burst pages HighErrorRate", async () => {
    const since = Date.now();
    await local.fault("errors");
    const page = await local.waitForDelivery(is("pagerduty", "HighErrorRate"), since, 150_000);
    expect(page).toBeDefined();
  }, 160_000);

  test("every Prometheus query of every dashboard returns data", async () => {
    const empty: string[] = [];
    for (const { model } of renderDashboards(local.config)) {
      for (const q of promQueries(model)) {
        if ((await local.query(q.expr)).length === 0) empty.push(`${q.where}: ${q.expr}`);
      }
    }
    expect(empty).toEqual([]);
  }, 60_000);

  test("an outage pages once within 60 s, even with an Alertmanager killed, and inhibits the symptoms", async () => {
    const since = Date.now();
    await local.fault("exit");
    local.killAlertmanager(0);
    const page = await local.waitForDelivery(is("pagerduty", "APIServerDown"), since, 60_000);
    expect(page).toBeDefined();
    expect(page!.at - since).toBeLessThanOrEqual(60_000);

    // Both Prometheus replicas fire it and the surviving Alertmanager holds it: still one page.
    await new Promise((r) => setTimeout(r, 20_000));
    const pages = local.receivers.deliveries.filter((d) => d.at >= since && is("pagerduty", "APIServerDown")(d));
    expect(pages).toHaveLength(1);

    const alerts = await local.alertmanagerAlerts(1);
    const latency = alerts.filter((a) => a.labels.alertname === "HighLatency");
    expect(latency.length).toBeGreaterThan(0);
    for (const a of latency) {
      expect(a.status.state).toBe("suppressed");
      expect(a.status.inhibitedBy.length).toBeGreaterThan(0);
    }
    const newSymptoms = local.receivers.deliveries.filter((d) => d.at > page!.at && d.status === "firing" && !d.alerts.includes("APIServerDown") && d.receiver !== "heartbeat");
    expect(newSymptoms).toEqual([]);
  }, 120_000);

  test("recovery resolves the page", async () => {
    const since = Date.now();
    await local.fault("recover");
    const resolved = await local.waitForDelivery(is("pagerduty", "APIServerDown", "resolved"), since, 150_000);
    expect(resolved).toBeDefined();
  }, 160_000);
});

describe("local stack, the remaining faults drive their alerts", () => {
  test("seats, db and redis faults raise SeatExhaustion, FrequentSeatDenials, DatabaseSlowQueries and RedisConnectionFailures", async () => {
    for (const fault of ["seats", "db", "redis"] as const) await local.fault(fault);
    const expected = ["DatabaseSlowQueries", "FrequentSeatDenials", "RedisConnectionFailures", "SeatExhaustion"];
    await local.until(async () => {
      const raised = new Set((await local.query("ALERTS")).map((a) => a.metric.alertname));
      return expected.every((name) => raised.has(name));
    }, 90_000, expected.join(", "));
    await local.fault("recover");
  }, 100_000);
});
