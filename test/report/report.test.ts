// The monthly report against a real Prometheus holding backfilled months of both environments with
// known outcomes, as the long-term store they share would (scenario.ts), and the month running now with silences created in a real Alertmanager
// (alertmanager.ts): every figure asserted is what the scenario implies, worked out here by hand.
import { seconds } from "../../lib/duration";
import { spawn } from "child_process";
import * as http from "http";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DateTime } from "luxon";
import { SLACK_WEBHOOK_SECRETS, type SlackWebhookSecret } from "../../config";
import { PROJECT_ROOT } from "../../lib/stack-file";
import { parseOptions, runReport } from "../../report/cli";
import type { Report } from "../../report/compute";
import { EXIT, ReportError } from "../../report/errors";
import { resolveMonth } from "../../report/month";
import { alertRule } from "../../rules/tests/promtool";
import { BackfilledPrometheus } from "../backfilled-prometheus";
import { managedEvaluatorConfig, testStackConfig } from "../stack-config";
import { TestAlertmanager } from "./alertmanager";
import { evaluationSeconds, MANAGED, REPLICA_LABEL, REPLICAS, SCENARIO, writeManagedScenario, writeScenario } from "./scenario";

const PORT = 30090;
const prometheus = new BackfilledPrometheus(PORT);
const PROMETHEUS = prometheus.url;
const alertmanager = new TestAlertmanager(30100);
/** Where Alertmanager would notify: a port nothing listens on. */
const NOWHERE = "http://127.0.0.1:30109";
const TSX = path.join(PROJECT_ROOT, "node_modules/.bin/tsx");

let dir: string;
let runs = 0;

/** Runs the report command as a user would; asynchronously, so a server of this process can answer it. */
async function report(month: string, extra: string[] = [], url = PROMETHEUS, env: Record<string, string> = {}, stack = "prod") {
  const out = path.join(dir, `out-${++runs}`);
  const started = Date.now();
  const child = spawn(TSX, ["report/cli.ts", "--stack", stack, "--month", month, "--prometheus", url, "--replica-label", REPLICA_LABEL, "--out", out, ...extra], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PROMETHEUS_URL: "", MANAGED_PROMETHEUS_URL: "", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const seconds = (Date.now() - started) / 1000;
  const read = (ext: string) => fs.readFileSync(path.join(out, `${stack}-${month}.${ext}`), "utf8");
  return { code, stdout, stderr, out, seconds, read, json: () => JSON.parse(read("json")) as Report };
}
type Run = Awaited<ReturnType<typeof report>>;

/**
 * A query API behind auth, as a long-term store, Monarch or an authenticating proxy is: it answers only
 * requests bearing one of `accepted` (Authorization headers), and forwards those to the Prometheus at `upstream`.
 */
async function authenticatingProxy(port: number, upstream: number, accepted: string[]): Promise<http.Server> {
  const proxy = http.createServer((req, res) => {
    if (!accepted.includes(req.headers.authorization ?? "")) {
      res.writeHead(401).end("Unauthorized");
      return;
    }
    const forwarded = http.request({ host: "127.0.0.1", port: upstream, path: req.url, method: req.method, headers: { ...req.headers, authorization: "" } }, (u) => {
      res.writeHead(u.statusCode ?? 502, u.headers);
      u.pipe(res);
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((r) => proxy.listen(port, "127.0.0.1", r));
  return proxy;
}

/** The month running now, and what the test did in Alertmanager during it. */
const running = {
  month: "",
  seatLabels: {} as Record<string, string>,
  seat: { id: "", startsAt: 0, endsAt: 0, state: "" },
  cpu: { id: "", startsAt: 0, endsAt: 0, state: "" },
  /** The silences Alertmanager itself found silencing SeatExhaustion while the silence was active. */
  silencedByAlertmanager: [] as string[],
};

/** Silences, as an on-call engineer makes them: one for SeatExhaustion, expired again, one for alerts that never fire. */
async function silenceInAlertmanager() {
  const c = testStackConfig("prod");
  const slack = Object.fromEntries(SLACK_WEBHOOK_SECRETS.map((key) => [key, `${NOWHERE}/slack/${key}`])) as Record<SlackWebhookSecret, string>;
  await alertmanager.start(c, dir, { pagerdutyRoutingKey: "test-routing-key", ...slack, heartbeatUrl: `${NOWHERE}/heartbeat` }, { pagerdutyUrl: `${NOWHERE}/pagerduty` });
  const monthStart = DateTime.utc().startOf("month");
  // SeatExhaustion fires three of its evaluations before the silence (apart from the firing inside it,
  // so the report counts two): the month must have begun by then.
  const wait = monthStart.toMillis() + (3 * seconds(c.alerts.perLicense.evaluationInterval) + 60) * 1000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  running.month = monthStart.toFormat("yyyy-MM");
  running.seatLabels = { alertname: "SeatExhaustion", ...alertRule(c, "SeatExhaustion").labels };
  const seat = await alertmanager.silence(
    [
      { name: "alertname", value: "SeatExhaustion", isRegex: false, isEqual: true },
      { name: "severity", value: "critical", isRegex: false, isEqual: false },
    ],
    "oncall@example.com",
    "seat migration in progress",
  );
  const cpu = await alertmanager.silence([{ name: "alertname", value: "HighCPU.*", isRegex: true, isEqual: true }], "oncall@example.com", "node pool resize");
  await alertmanager.postAlert(running.seatLabels);
  running.silencedByAlertmanager = await alertmanager.silencedBy(running.seatLabels);
  await new Promise((r) => setTimeout(r, 1000));
  await alertmanager.expire(seat);
  running.seat = { id: seat, ...(await alertmanager.silenceTimes(seat)) };
  running.cpu = { id: cpu, ...(await alertmanager.silenceTimes(cpu)) };
  const now = Date.now() / 1000;
  return {
    start: monthStart.toSeconds(),
    // Past the report's run, so that the month's last evaluations are there when it runs.
    end: now + 600,
    // Once three evaluations before the silence began, once while it was active.
    seatExhaustion: [running.seat.startsAt - 3 * seconds(testStackConfig("prod").alerts.perLicense.evaluationInterval), (running.seat.startsAt + running.seat.endsAt) / 2],
  };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "coditect-report-"));
  writeScenario(testStackConfig("prod"), testStackConfig("staging"), path.join(dir, "scenario.om"), await silenceInAlertmanager());
  await prometheus.start(dir, "scenario.om", ["--max-block-duration=1488h"]);
}, 150_000);

afterAll(async () => {
  await Promise.all([prometheus.stop(), alertmanager.stop()]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 30_000);

const EVALUATIONS_PER_DAY = 86400 / SCENARIO.evaluation;

describe("August 2026: both replicas' records merged per evaluation, samples on every boundary", () => {
  let r: Run;
  beforeAll(async () => {
    r = await report("2026-08");
  });
  const A = SCENARIO.augustEvents;
  const intervals = 31 * EVALUATIONS_PER_DAY;
  // Down: the outage's 80 intervals (replica 1 saw them all, replica 0 restarting for 7 minutes of them)
  // and the one replica 0 alone recorded, down, while replica 1 recorded nothing; not the one they
  // disagreed on. Unknown: the 40 intervals neither recorded.
  const down = 80 + 1;
  const unknown = 40;
  // The rates of the replica that recorded the most of each day: 288 five-minute samples a day, but the
  // four inside the outage (the API exported nothing) and the two neither replica recorded; the trial
  // tier's 0.5 failed/s at the month's first and last five-minute samples.
  const rateSamples = 31 * 288 - 4 - 2;
  const errors = 2 * 0.5;

  test("availability 99.954 %, over the observed time; 10 minutes unobserved, which would not turn the verdict", () => {
    expect(r.code).toBe(0);
    const j = r.json();
    const unavailable = down / (intervals - unknown);
    const bad = (u: number, e: number) => u + (1 - u) * e;
    expect(j.overall.unavailable).toBeCloseTo(unavailable, 12);
    expect(j.overall.availability).toBeCloseTo(1 - bad(unavailable, errors / (rateSamples * 10)), 12);
    expect(j.tiers.trial.availability).toBeCloseTo(1 - bad(unavailable, errors / rateSamples), 12);
    expect(j.overall.unknown).toBeCloseTo(unknown / intervals, 12);
    expect(j.overall.worstCase).toBeCloseTo(1 - bad((down + unknown) / intervals, errors / (rateSamples * 10)), 12);
    expect([j.overall.met, j.overall.verdictDependsOnUnknown]).toEqual([true, false]);
    expect(j.unknownMinutes).toBe(10);
    // Every SLI sample of both replicas counted, those exactly on a day's start included.
    expect(j.replicas).toEqual({ [`${REPLICA_LABEL}=${REPLICAS[0]}`]: intervals - unknown - A.restart.minutes * 4, [`${REPLICA_LABEL}=${REPLICAS[1]}`]: intervals - unknown - A.replicaGone.minutes * 4 });
    expect(j.figuresFrom).toBe(`${REPLICA_LABEL}=${REPLICAS[0]}`);
    expect(r.read("md")).toContain("Availability 99.954 % against the 99.9 % objective: SLA met.");
  });

  test("every day observed whole but the one both replicas missed 10 minutes of: a sample exactly at a day's start is that day's", () => {
    const days = r.json().days;
    expect(days).toHaveLength(31);
    expect(days.filter((d) => d.unknownMinutes > 0).map((d) => [d.label, d.unknownMinutes])).toEqual([["2026-08-14", 10]]);
    expect(days.find((d) => d.label === "2026-08-14")!.availability).toBe(1);
  });

  test("the downtime periods: the outage whole through replica 0's restart, the interval replica 0 alone saw down; not the one they disagreed on", () => {
    const j = r.json();
    expect(j.downtime).toEqual([
      { start: A.aloneDown, end: A.aloneDown + 15, signals: [] },
      { start: A.outage.start, end: A.outage.start + A.outage.minutes * 60, signals: ["probe"] },
    ]);
    expect(j.unobserved).toEqual([{ start: A.bothGone.start, end: A.bothGone.start + A.bothGone.minutes * 60 }]);
    const md = r.read("md");
    expect(md).toContain("| 2026-08-10 10:30:00 | 2026-08-10 10:30:15 | 15s | none (too short to page) |");
    expect(md).toContain("| 2026-08-12 03:00:00 | 2026-08-12 03:20:00 | 20m | probe |");
    expect(md).toContain("| 2026-08-14 06:00:00 | 2026-08-14 06:10:00 | 10m |");
  });

  test("errors in the month's first and last five minutes: both five-minute steps counted, 10 minutes affected", () => {
    expect(r.json().impact.find((i) => i.tier === "trial")).toMatchObject({ minutesAffected: 10 });
  });
});

describe("September 2026: a 47-minute outage misses the SLA", () => {
  let r: Run;
  beforeAll(async () => {
    r = await report("2026-09");
  });

  test("succeeds, and prints where its time went", () => {
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // The environments found, the replicas, then per day each replica's SLI and four rates, then the month's five.
    expect(r.stdout).toMatch(/\| queries \| 187 \| \d+\.\d\d \|/);
    // The command's own timing table, for the timing table of docs/report.md.
    console.log(`report of 2026-09 (${r.seconds.toFixed(1)} s as the test saw it):\n${r.stdout}`);
  });

  test("availability 99.891 %: 47 minutes of 30 days could not answer, SLA missed", () => {
    // 188 of 172800 evaluations fell in the outage (03:10:07 … 03:56:52, every 15 s); no validation failed.
    const unavailable = (47 * 60) / SCENARIO.evaluation / (30 * EVALUATIONS_PER_DAY);
    expect(unavailable).toBe(188 / 172800);
    const j = r.json();
    expect(j.overall.unavailable).toBeCloseTo(unavailable, 12);
    expect(j.overall.availability).toBeCloseTo(1 - unavailable, 12);
    expect(j.overall.met).toBe(false);
    expect(j.overall.budgetConsumed).toBeCloseTo(unavailable / 0.001, 9);
    // The outage hit every tier alike.
    for (const t of ["enterprise", "team", "trial"]) expect(j.tiers[t].availability).toBeCloseTo(1 - unavailable, 12);
    expect(j.unknownMinutes).toBe(0);
    expect(j.replicas).toEqual(Object.fromEntries(REPLICAS.map((name) => [`${REPLICA_LABEL}=${name}`, 30 * EVALUATIONS_PER_DAY])));
    const md = r.read("md");
    expect(md).toContain("Availability 99.891 % against the 99.9 % objective: SLA missed. Error budget (0.1 % of the period) consumed: 108.8 %.");
    expect(md).toContain("| trial | 99.891 % | 108.8 % | missed |");
  });

  test("the outage day is the worst and only imperfect day, and the downtime period is 03:10 to 03:57", () => {
    const md = r.read("md");
    // 188 of the day's 5760 evaluations: 96.736 %.
    expect(r.json().worstDays.map((d) => [d.label, d.availability.toFixed(6)])).toEqual([["2026-09-14", (1 - 188 / 5760).toFixed(6)]]);
    expect(md).toContain("| 2026-09-14 | 96.736 % | 3.264 % | 0s |");
    expect(md).toContain("| 2026-09-14 03:10:00 | 2026-09-14 03:57:00 | 47m | probe |");
  });

  test("alert effectiveness: fired, time firing, pages (incidents opened, not joined) out of hours, flapping", () => {
    const byName = Object.fromEntries(r.json().alerts.map((a) => [a.alertname, a]));
    expect(Object.keys(byName).sort()).toEqual(["APIServerDown", "DatabaseSlowQueries", "ErrorBudgetBurn", "HighLatency", "KubeQuotaAlmostFull", "RedisConnectionFailures"]);
    // Firing from 10 s (for:) into the outage to 20 s (keep_firing_for) after it, evaluated every 5 s: 47m10s.
    // 03:10 UTC on Monday 14 September is 23:10 on Sunday in New York.
    expect(byName.APIServerDown).toMatchObject({ receiver: "pagerduty", page: true, fired: 1, firingSeconds: 47 * 60 + 10, incidentsOpened: 1, joinedOpenIncident: 0, pagesOutsideBusinessHours: 1, flapping: 0 });
    // The burn began inside the outage's incident (one Alertmanager group per service) and joined it: no page of its own.
    expect(byName.ErrorBudgetBurn).toMatchObject({ severity: "critical", page: true, fired: 1, firingSeconds: 49 * 60, incidentsOpened: 0, joinedOpenIncident: 1, pagesOutsideBusinessHours: 0 });
    // 15:00 UTC on Wednesday 16 September is 11:00 in New York.
    expect(byName.RedisConnectionFailures).toMatchObject({ page: true, fired: 1, firingSeconds: 600, incidentsOpened: 1, pagesOutsideBusinessHours: 0 });
    expect(r.json().incidents).toEqual({ opened: 2, joined: 1 });
    expect(r.read("md")).toContain("2 PagerDuty incident(s) opened (pages); 1 time(s) an alert fired into an incident already open");
    // 3 minutes (less than its for: of 5m) and 20 minutes: fired twice, once flapping, median 11m30s.
    expect(byName.HighLatency).toMatchObject({ receiver: "slack", page: false, fired: 2, firingSeconds: 23 * 60, medianSeconds: 690, flapping: 1 });
    expect(r.read("md")).toContain("| HighLatency | warning | slack | 2 | 23m | 11m 30s | – | – | – | 1 | 0 | – | 0 |");
  });

  test("alerts that reached no receiver: one inhibited by the outage, one routed to the null receiver; silences not checked", () => {
    const byName = Object.fromEntries(r.json().alerts.map((a) => [a.alertname, a]));
    // 03:20 to 03:40, every evaluation inside APIServerDown's firing (03:10:10 to 03:57:20).
    expect(byName.DatabaseSlowQueries).toMatchObject({ receiver: "slack", receiverDelivers: true, fired: 1, firingSeconds: 20 * 60, inhibited: 1, silenced: null, undelivered: 1 });
    // ErrorBudgetBurn fired on for 4m40s after the outage ended: notified then, so not inhibited throughout.
    for (const name of ["APIServerDown", "ErrorBudgetBurn", "HighLatency", "RedisConnectionFailures"]) expect(byName[name]).toMatchObject({ inhibited: 0, silenced: null, undelivered: 0 });
    // The chart's info alert: the foreign-alert route sends severity info to the null receiver.
    expect(byName.KubeQuotaAlmostFull).toMatchObject({ severity: "info", receiver: "null", receiverDelivers: false, page: false, fired: 1, firingSeconds: 30 * 60, inhibited: 0, undelivered: 1 });
    const md = r.read("md");
    expect(md).toContain("| DatabaseSlowQueries | warning | slack | 1 | 20m | 20m | – | – | – | 0 | 1 | – | 1 |");
    expect(md).toContain("| KubeQuotaAlmostFull | info | null (no integration) | 1 | 30m | 30m | – | – | – | 0 | 0 | – | 1 |");
    expect(md).toContain("Silences were not checked: no Alertmanager was given (--alertmanager or ALERTMANAGER_URL), so the silenced column shows –.");
    expect(r.json().silences).toEqual({ checked: false });
    expect(r.json().routing).toBe("the stack's rendered Alertmanager configuration");
  });

  test("prod's series alone, of the store's two environments: not staging's outage, errors, alerts or samples", () => {
    const j = r.json();
    expect(j.downtime.map((d) => d.start)).toEqual([SCENARIO.outage.start]);
    expect(j.alerts.map((a) => a.alertname)).not.toContain("HighErrorRate");
    expect(j.alerts.find((a) => a.alertname === "APIServerDown")).toMatchObject({ fired: 1 });
    expect(j.tiers.enterprise.availability).toBeCloseTo(1 - 188 / 172800, 12);
    expect(Object.values(j.replicas)).toEqual([30 * EVALUATIONS_PER_DAY, 30 * EVALUATIONS_PER_DAY]);
  });

  test("the HTML page is self-contained: charts inline, nothing to fetch", () => {
    const html = r.read("html");
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).not.toMatch(/<script|<link|src=|href=|url\(/i);
    expect(html).toContain("99.891 %");
  });
});

describe("October 2026: the SLA is met, the trial tier's error burst misses it for that tier", () => {
  let r: Run;
  beforeAll(async () => {
    r = await report("2026-10");
  });

  test("availability 99.987 % met; trial 99.866 % missed; the 4-minute gap neither replica recorded is unknown, not downtime", () => {
    expect(r.code).toBe(0);
    const j = r.json();
    // The gap: 16 evaluation intervals (06:00:30 … 06:04:30) neither replica recorded; nothing was down.
    expect(j.unknownMinutes).toBe(4);
    expect(j.overall.unknown).toBeCloseTo(16 / (31 * EVALUATIONS_PER_DAY), 12);
    expect(j.overall.unavailable).toBe(0);
    // The burst: 24 five-minute samples at 0.5 failed/s on the trial tier, of 8928 samples at 1/s (trial)
    // and 10/s (all tiers).
    const trialErrors = (24 * 0.5) / 8928;
    const allErrors = (24 * 0.5) / (8928 * 10);
    expect(j.overall.availability).toBeCloseTo(1 - allErrors, 12);
    expect(j.tiers.trial.availability).toBeCloseTo(1 - trialErrors, 12);
    expect(j.tiers.enterprise.availability).toBe(1);
    // Had the gap been downtime: 16 intervals of 178560 more.
    expect(j.overall.worstCase).toBeCloseTo(1 - (16 / (31 * EVALUATIONS_PER_DAY) + (1 - 16 / (31 * EVALUATIONS_PER_DAY)) * allErrors), 12);
    expect([j.overall.met, j.overall.verdictDependsOnUnknown, j.tiers.trial.met, j.tiers.team.met]).toEqual([true, false, false, true]);
    expect(j.unobserved).toEqual([{ start: SCENARIO.gap.start, end: SCENARIO.gap.start + 4 * 60 }]);
    const md = r.read("md");
    expect(md).toContain("Availability 99.987 % against the 99.9 % objective: SLA met. Error budget (0.1 % of the period) consumed: 13.4 %.");
    expect(md).toContain("Not observed: 4m (0.009 % of the period), when no Prometheus replica recorded anything. Counted as downtime it would make availability 99.978 %: the verdict would stand.");
    expect(md).toContain("| trial | 99.866 % | 134.4 % | missed |");
    expect(md).toContain("| 2026-10-20 06:00:30 | 2026-10-20 06:04:30 | 4m |");
    expect(md).toContain("No downtime.");
  });

  test("customer impact: the trial tier's 3600 failed validations in 120 minutes, licenses by digest only", () => {
    const j = r.json();
    expect(j.impact).toEqual([
      { tier: "enterprise", failed: 0, minutesAffected: 0, availability: j.tiers.enterprise.availability },
      { tier: "team", failed: 0, minutesAffected: 0, availability: j.tiers.team.availability },
      { tier: "trial", failed: 3600, minutesAffected: 120, availability: j.tiers.trial.availability },
    ]);
    const digest = (k: string) => `sha256:${createHash("sha256").update(k).digest("hex").slice(0, 12)}`;
    // The counter as the metric contract has it (no license label) is no license with an empty key.
    expect(j.licenses).toEqual([
      // 120 minutes at 20 and 10 failures a minute.
      { id: digest("lic-trial-0007"), tier: "trial", failed: 2400, minutesAffected: 120 },
      { id: digest("lic-trial-0012"), tier: "trial", failed: 1200, minutesAffected: 120 },
    ]);
    for (const ext of ["md", "html", "json"]) expect(r.read(ext)).not.toMatch(/lic-(trial|ent)-\d+/);
  });

  test("SeatExhaustion from the cluster's Prometheus, which evaluates it in this stack: fired once, for 10 minutes", () => {
    const j = r.json();
    expect(j.alerts.find((a) => a.alertname === "SeatExhaustion")).toMatchObject({ receiver: "slack", fired: 1, firingSeconds: SCENARIO.clusterSeat.minutes * 60 });
    expect(j.managedEvaluatorAlerts).toEqual([]);
    expect(r.read("md")).not.toContain("Managed Service for Prometheus");
  });
});

// A stack whose per-license groups run in Managed Service for Prometheus' rule evaluator: their alerts
// are in Monarch alone. The evaluator's rules manager appends to export.NewStorage(exporter)
// (cmd/rule-evaluator/main.go of GoogleCloudPlatform/prometheus-engine at v0.17.2), so the ALERTS and
// ALERTS_FOR_STATE series it writes go to Monarch, never to the cluster's Prometheus or its store. A
// second real Prometheus, backfilled with such ALERTS (writeManagedScenario), stands in for Monarch's
// query API, behind a proxy that wants a bearer token as Monarch does. The stack file places the
// groups in the cluster's Prometheus, so these reports run in this process with a config placing them
// in the managed evaluator; the cluster's record is the store of the tests above.
describe("a stack whose per-license groups run in the managed rule evaluator", () => {
  const store = new BackfilledPrometheus(30731);
  const MONARCH_PORT = 30732;
  const monarch = `http://127.0.0.1:${MONARCH_PORT}`;
  const token = { MANAGED_PROMETHEUS_BEARER_TOKEN: "monarch-access-token" };
  const c = managedEvaluatorConfig("prod");
  let proxy: http.Server;
  beforeAll(async () => {
    const managedDir = path.join(dir, "managed");
    fs.mkdirSync(managedDir);
    writeManagedScenario(c, managedEvaluatorConfig("staging"), path.join(managedDir, "alerts.om"));
    await store.start(managedDir, "alerts.om", ["--max-block-duration=1488h"]);
    proxy = await authenticatingProxy(MONARCH_PORT, 30731, [`Bearer ${token.MANAGED_PROMETHEUS_BEARER_TOKEN}`]);
  }, 60_000);
  afterAll(async () => {
    await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
    await store.stop();
  });

  const options = (month: string, ...args: string[]) =>
    parseOptions(["--stack", "prod", "--month", month, "--prometheus", PROMETHEUS, "--replica-label", REPLICA_LABEL, "--out", path.join(dir, `out-${++runs}`), ...args], {});
  const run = (o: ReturnType<typeof options>, env: Record<string, string> = token) => runReport(o, env, () => {}, c);
  const failure = (o: ReturnType<typeof options>, env?: Record<string, string>) => run(o, env).then(() => undefined, (e: unknown) => e as ReportError);
  const byName = (report: Report) => Object.fromEntries(report.alerts.map((a) => [a.alertname, a]));

  test("September: the evaluator's SeatExhaustion and SeatLimitForecast, with their time firing; the one inside the outage inhibited", async () => {
    const o = options("2026-09", "--managed-prometheus", monarch);
    const { report } = await run(o);
    const alerts = byName(report);
    const M = MANAGED.september;
    const seat = evaluationSeconds(c, "SeatExhaustion");
    // Firing from the first firing evaluation to one interval past the last: 30 and 20 evaluations a minute apart.
    expect([M.seat.evaluations * seat, M.seatInOutage.evaluations * seat]).toEqual([30 * 60, 20 * 60]);
    // Not staging's, not another cluster's (each would make a third firing): prod's evaluator's alone.
    expect(alerts.SeatExhaustion).toMatchObject({ severity: "warning", receiver: "slack", page: false, fired: 2, firingSeconds: 50 * 60, medianSeconds: 25 * 60, flapping: 0, inhibited: 1, undelivered: 1 });
    expect(alerts.SeatLimitForecast).toMatchObject({ severity: "warning", receiver: "slack", fired: 1, firingSeconds: M.forecast.evaluations * evaluationSeconds(c, "SeatLimitForecast"), inhibited: 0, undelivered: 0 });
    expect(M.forecast.evaluations * evaluationSeconds(c, "SeatLimitForecast")).toBe(60 * 60);
    // The cluster's alerts as before; not the alert of another group the store holds with the evaluator's labels.
    expect(Object.keys(alerts).sort()).toEqual(["APIServerDown", "DatabaseSlowQueries", "ErrorBudgetBurn", "HighLatency", "KubeQuotaAlmostFull", "RedisConnectionFailures", "SeatExhaustion", "SeatLimitForecast"]);
    expect(alerts.APIServerDown).toMatchObject({ fired: 1, firingSeconds: 47 * 60 + 10, incidentsOpened: 1 });
    expect(report.managedEvaluatorAlerts).toEqual(["SeatExhaustion", "SeatsNotCollected", "SeatLimitForecast"]);
    const md = fs.readFileSync(path.join(o.out, "prod-2026-09.md"), "utf8");
    expect(md).toContain("| SeatExhaustion | warning | slack | 2 | 50m | 25m | – | – | – | 0 | 1 | – | 1 |");
    expect(md).toContain(
      "From Prometheus's ALERTS series, and for SeatExhaustion, SeatsNotCollected, SeatLimitForecast, which this stack evaluates in Managed Service for Prometheus' rule evaluator, from that evaluator's ALERTS series in Monarch (but for",
    );
  });

  test("October: SeatExhaustion from the evaluator alone, the cluster's store holding one too", async () => {
    const { report } = await run(options("2026-10", "--managed-prometheus", monarch));
    // The evaluator's 15 evaluations, not the cluster's 10 minutes, nor both.
    expect(byName(report).SeatExhaustion).toMatchObject({ fired: 1, firingSeconds: MANAGED.october.seat.evaluations * evaluationSeconds(c, "SeatExhaustion") });
    expect(MANAGED.october.seat.evaluations * evaluationSeconds(c, "SeatExhaustion")).not.toBe(SCENARIO.clusterSeat.minutes * 60);
  });

  test("without a token Monarch refuses: exit code 3, naming the variable, nothing written", async () => {
    const o = options("2026-09", "--managed-prometheus", monarch);
    const e = await failure(o, {});
    expect(e).toBeInstanceOf(ReportError);
    expect([e?.exitCode, e?.message]).toEqual([
      EXIT.unreachable,
      `${monarch} refused the credentials (HTTP 401); set MANAGED_PROMETHEUS_BEARER_TOKEN or MANAGED_PROMETHEUS_USERNAME/MANAGED_PROMETHEUS_PASSWORD`,
    ]);
    expect(fs.existsSync(o.out)).toBe(false);
  });

  test("no query API of the evaluator given: exit code 2, naming its groups and alerts and the query API to give; nothing written", async () => {
    const o = options("2026-09");
    const e = await failure(o);
    expect(e).toBeInstanceOf(ReportError);
    expect(e?.exitCode).toBe(EXIT.usage);
    expect(e?.message).toBe(
      "the prod stack evaluates the rule groups license-api.per-license, license-api.seat-forecast (alerts SeatExhaustion, SeatsNotCollected, SeatLimitForecast) in Managed Service for Prometheus' rule evaluator " +
        "(alerts.perLicense.evaluator: managed), whose alerts are in Monarch only: give its query API with --managed-prometheus https://monitoring.googleapis.com/v1/projects/coditect-prod/location/global/prometheus " +
        "(or MANAGED_PROMETHEUS_URL), and an access token in MANAGED_PROMETHEUS_BEARER_TOKEN (gcloud auth print-access-token)",
    );
    expect(fs.existsSync(o.out)).toBe(false);
  });

  test.each([
    ["--managed-prometheus", ["--managed-prometheus", monarch], {}],
    ["MANAGED_PROMETHEUS_URL", [], { MANAGED_PROMETHEUS_URL: monarch }],
  ])("the stack file's stack, every group in its Prometheus, given the evaluator's query API by %s: exit code 2, nothing written", async (_, extra, env) => {
    const r = await report("2026-09", extra, PROMETHEUS, env);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain(
      `--managed-prometheus (or MANAGED_PROMETHEUS_URL) is ${monarch}, but the prod stack evaluates every rule group in its cluster's Prometheus (alerts.perLicense.evaluator: prometheus)`,
    );
    expect(fs.existsSync(r.out)).toBe(false);
  });
});

describe("staging's September from the same store: its own record alone", () => {
  let r: Run;
  beforeAll(async () => {
    r = await report("2026-09", [], PROMETHEUS, {}, "staging");
  });
  const G = SCENARIO.staging;

  test("its one replica, its three-hour outage and its tenth of failed validations; none of prod's", () => {
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const j = r.json();
    const unavailable = (G.outage.minutes * 60) / SCENARIO.evaluation / (30 * EVALUATIONS_PER_DAY);
    expect(j.replicas).toEqual({ [`${REPLICA_LABEL}=${REPLICAS[0]}`]: 30 * EVALUATIONS_PER_DAY });
    expect(j.overall.unavailable).toBeCloseTo(unavailable, 12);
    expect(j.overall.availability).toBeCloseTo(1 - (unavailable + (1 - unavailable) * G.errorShare), 12);
    expect(j.downtime).toEqual([{ start: G.outage.start, end: G.outage.start + G.outage.minutes * 60, signals: ["probe"] }]);
    expect(j.alerts.map((a) => a.alertname).sort()).toEqual(["APIServerDown", "HighErrorRate"]);
    expect(j.alerts.find((a) => a.alertname === "APIServerDown")).toMatchObject({ fired: 1, firingSeconds: G.outage.minutes * 60 + 10 });
  });
});

describe("the running month, with silences from a real Alertmanager", () => {
  let r: Run;
  beforeAll(async () => {
    r = await report(running.month, ["--alertmanager", alertmanager.url]);
  });

  test("Alertmanager itself found SeatExhaustion silenced by the silence created for it", () => {
    expect(running.silencedByAlertmanager).toEqual([running.seat.id]);
    expect([running.seat.state, running.cpu.state]).toEqual(["expired", "active"]);
  });

  test("SeatExhaustion fired twice: once before the silence, once inside it and so never notified", () => {
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j.routing).toBe(`the configuration Alertmanager at ${alertmanager.url} runs`);
    const seat = j.alerts.find((a) => a.alertname === "SeatExhaustion");
    expect(seat).toMatchObject({ receiver: "slack", receiverDelivers: true, fired: 2, inhibited: 0, silenced: 1, undelivered: 1 });
    expect(r.read("md")).toMatch(/\| SeatExhaustion \| warning \| slack \| 2 \| [^|]+ \| [^|]+ \| – \| – \| – \| 2 \| 0 \| 1 \| 1 \|/);
  });

  test("both silences of the month, as Alertmanager holds them, with what each silenced", () => {
    const s = r.json().silences;
    if (!s.checked) throw new Error("silences not checked");
    expect(s.alertmanager).toBe(alertmanager.url);
    expect(s.list).toEqual([
      {
        id: running.seat.id,
        matchers: 'alertname="SeatExhaustion", severity!="critical"',
        startsAt: running.seat.startsAt,
        endsAt: running.seat.endsAt,
        state: "expired",
        createdBy: "oncall@example.com",
        comment: "seat migration in progress",
        matched: [{ alertname: "SeatExhaustion", evaluations: 1 }],
      },
      { id: running.cpu.id, matchers: 'alertname=~"HighCPU.*"', startsAt: running.cpu.startsAt, endsAt: running.cpu.endsAt, state: "active", createdBy: "oncall@example.com", comment: "node pool resize", matched: [] },
    ]);
    // Alertmanager forgets an ended silence after 120 h: the report says so once the month reaches further back.
    expect(s.knownSince).toEqual(DateTime.fromFormat(running.month, "yyyy-MM", { zone: "UTC" }).toSeconds() < s.readAt - 120 * 3600 ? s.readAt - 120 * 3600 : undefined);
    const md = r.read("md");
    expect(md).toContain(`| ${running.seat.id} | alertname="SeatExhaustion", severity!="critical" | `);
    expect(md).toContain("| expired | oncall@example.com | seat migration in progress | SeatExhaustion (1 evaluations) |");
    expect(md).toContain("| active | oncall@example.com | node pool resize | no alert that fired |");
    expect(md).toContain(`Silences from Alertmanager at ${alertmanager.url}`);
    expect(r.read("html")).toContain(`<td>${running.seat.id}</td><td>alertname=&quot;SeatExhaustion&quot;, severity!=&quot;critical&quot;</td>`);
  });

  test("September through the same Alertmanager: no silence overlapped it, and the report says silences that old are gone", async () => {
    const sep = await report("2026-09", ["--alertmanager", alertmanager.url]);
    expect(sep.code).toBe(0);
    const md = sep.read("md");
    expect(md).toContain("No silence overlapped the month.");
    expect(md).toMatch(/Alertmanager keeps a silence only for its --data\.retention after it ends \(120 h by default\): silences that ended before \d{4}-\d\d-\d\d \d\d:\d\d:\d\d were no longer available/);
    expect(sep.json().alerts.find((a) => a.alertname === "HighLatency")).toMatchObject({ silenced: 0 });
  });
});

test("--timezone: days and times in New York; the outage falls on Sunday 13 September", async () => {
  const r = await report("2026-09", ["--timezone", "America/New_York"]);
  expect(r.code).toBe(0);
  const md = r.read("md");
  expect(md).toContain("# License API prod: SLA and alert report, 2026-09 (America/New_York)");
  expect(md).toContain("| 2026-09-13 | 96.736 % |");
  expect(md).toContain("| 2026-09-13 23:10:00 | 2026-09-13 23:57:00 | 47m | probe |");
  expect(r.json().overall.availability).toBeCloseTo(1 - 188 / 172800, 12);
});

test("--month previous: the month before the one running in the report's time zone (the monthly workflow's default)", () => {
  expect(resolveMonth("previous", "UTC", new Date("2027-01-01T06:00:00Z"))).toBe("2026-12");
  // 03:00 UTC on 1 January is still 31 December in New York.
  expect(resolveMonth("previous", "America/New_York", new Date("2027-01-01T03:00:00Z"))).toBe("2026-11");
  expect(resolveMonth("2026-09", "UTC")).toBe("2026-09");
});

describe("errors: a clear message, its exit code, and no file written", () => {
  test.each([
    ["a month without data", "2026-06", PROMETHEUS, EXIT.noData, /no samples of the SLI .* in 2026-06/],
    ["a month the store holds another environment's data of", "2026-07", PROMETHEUS, EXIT.noData, /no samples of the SLI \(\S+\) of environment "prod" in 2026-07 \(UTC\) at http:\/\/127\.0\.0\.1:30090, only of "staging"/],
    ["a month not yet begun", "2099-01", PROMETHEUS, EXIT.futureMonth, /2099-01 \(UTC\) has not begun yet/],
    ["an unreachable endpoint", "2026-09", "http://127.0.0.1:30099", EXIT.unreachable, /cannot reach the Prometheus query API at http:\/\/127\.0\.0\.1:30099: ECONNREFUSED/],
    ["a malformed month", "2026-13", PROMETHEUS, EXIT.usage, /--month must be YYYY-MM/],
    ["an unknown time zone", "2026-09", PROMETHEUS, EXIT.usage, /--timezone must be an IANA time zone .* got "Mars\/Olympus"/, ["--timezone", "Mars/Olympus"]],
    ["an unreachable Alertmanager", "2026-09", PROMETHEUS, EXIT.unreachable, /cannot reach the Alertmanager API at http:\/\/127\.0\.0\.1:30108: ECONNREFUSED/, ["--alertmanager", "http://127.0.0.1:30108"]],
  ])("%s", async (_, month, url, code, message, extra: string[] = []) => {
    const r = await report(month, extra, url);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(fs.existsSync(r.out)).toBe(false);
  });
});

describe("credentials from the environment", () => {
  // The store behind auth: it answers only requests bearing the token or the user and password.
  const PROXY_PORT = 30091;
  let proxy: http.Server;
  beforeAll(async () => {
    proxy = await authenticatingProxy(PROXY_PORT, PORT, ["Bearer s3cret-token", `Basic ${Buffer.from("reporter:s3cret-password").toString("base64")}`]);
  });
  afterAll(() => new Promise<void>((r) => proxy.close(() => r())));
  const url = `http://127.0.0.1:${PROXY_PORT}`;

  test.each([
    ["a bearer token", { PROMETHEUS_BEARER_TOKEN: "s3cret-token" }],
    ["basic auth", { PROMETHEUS_USERNAME: "reporter", PROMETHEUS_PASSWORD: "s3cret-password" }],
  ])("%s is sent, and the report succeeds", async (_, env) => {
    const r = await report("2026-09", [], url, env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.json().overall.availability).toBeCloseTo(1 - 188 / 172800, 12);
  });

  test.each([
    ["no credentials", {}],
    ["a wrong token", { PROMETHEUS_BEARER_TOKEN: "wrong" }],
  ])("%s: refused, exit code 3, nothing written", async (_, env) => {
    const r = await report("2026-09", [], url, env);
    expect(r.code).toBe(EXIT.unreachable);
    expect(r.stderr).toContain(`${url} refused the credentials (HTTP 401)`);
    expect(fs.existsSync(r.out)).toBe(false);
  });
});
