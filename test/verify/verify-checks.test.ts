// What `npm run verify` concludes, on the stack's own rendering and on broken copies of it: each check
// passes on what the stack deploys and fails, naming the difference, on what it does not.
import { RECEIVERS } from "../../render/alertmanager-config";
import { stackConfigForRender } from "../../render/cli";
import { routingOf } from "../../report/routing";
import { renderRuleGroups } from "../../rules";
import { STACKS } from "../../lib/stack-file";
import { testStackConfig } from "../stack-config";
import { heartbeat, managedScrapes, managedScrapeUp, managedSourceProblem, renderedConfig, routingLoaded, ruleGroupsLoaded, successfulRequests, targetsUp, testAlerts } from "../../scripts/verify-checks";
import { verify } from "../../scripts/verify";
import { toYaml } from "../../lib/yaml";
import { PROMTOOL } from "../../tools/binaries";
import { run, writeTemp } from "../tools";
import { probeJob, publicProbeJob } from "../../lib/identities";
import { clusterPagesJob } from "../../lib/outage-backstop";

describe.each(STACKS)("stack %s", (stack) => {
  const c = stackConfigForRender(stack);
  const config = renderedConfig(c, true);

  test("a test alert for each receiver that notifies someone, routed to it by the stack's routing", () => {
    const routing = routingOf(config, "rendered");
    const tests = testAlerts(c, routing);
    expect(tests.map((t) => t.receiver).sort()).toEqual([RECEIVERS.pagerduty, RECEIVERS.slack, RECEIVERS.tickets, RECEIVERS.platform].sort());
    for (const t of tests) expect(routing.receiverOf(t.labels)).toBe(t.receiver);
  });

  test("the rendered routing passes; a missing route or receiver fails, named", () => {
    expect(routingLoaded(c, config).ok).toBe(true);
    const route = config.route as { routes: { receiver: string }[] };
    const noTickets = { ...config, route: { ...route, routes: route.routes.filter((r) => r.receiver !== RECEIVERS.tickets) } };
    const broken = routingLoaded(c, noTickets);
    expect(broken.ok).toBe(false);
    expect(broken.detail).toContain(`goes to ${RECEIVERS.slack}, expected ${RECEIVERS.tickets}`);
    const noPlatform = { ...config, receivers: (config.receivers as { name: string }[]).filter((r) => r.name !== RECEIVERS.platform) };
    expect(routingLoaded(c, noPlatform).detail).toMatch(/^receivers .*, expected /);
  });

  test("the rendered rule groups pass; a missing rule or group fails, named", () => {
    const groups = renderRuleGroups(c);
    const loaded = groups.map((g) => ({ name: g.name, rules: g.rules.map((r) => ({ name: "alert" in r ? r.alert : r.record })) }));
    expect(ruleGroupsLoaded("p", groups, loaded).ok).toBe(true);
    const [first, ...rest] = loaded;
    expect(ruleGroupsLoaded("p", groups, rest)).toMatchObject({ ok: false, detail: `group ${first.name} missing` });
    const dropped = first.rules[0].name;
    expect(ruleGroupsLoaded("p", groups, [{ ...first, rules: first.rules.slice(1) }, ...rest]).detail).toContain(`${dropped} missing`);
  });
});

test("targets: every series at 1 passes; one at 0, or none, fails", () => {
  const sample = (instance: string, v: string) => ({ metric: { instance }, value: [0, v] as [number, string] });
  expect(targetsUp("p", "up", [sample("a", "1"), sample("b", "1")]).ok).toBe(true);
  expect(targetsUp("p", "up", [sample("a", "1"), sample("b", "0")])).toMatchObject({ ok: false, detail: "down: b" });
  expect(targetsUp("p", "up", []).ok).toBe(false);
});

test("the Watchdog must reach the heartbeat in prod; staging may route it nowhere", () => {
  const watchdog = [{ metric: { alertname: "Watchdog" }, value: [0, "1"] as [number, string] }];
  const at = (receiver: string) => [{ labels: { alertname: "Watchdog" }, receivers: [{ name: receiver }], status: { state: "active" } }];
  expect(heartbeat(stackConfigForRender("prod"), watchdog, at(RECEIVERS.heartbeat)).every((r) => r.ok)).toBe(true);
  expect(heartbeat(stackConfigForRender("prod"), watchdog, at(RECEIVERS.none))[1].ok).toBe(false);
  expect(heartbeat(stackConfigForRender("staging"), watchdog, at(RECEIVERS.none))[1].ok).toBe(true);
  expect(heartbeat(stackConfigForRender("staging"), [], []).some((r) => r.ok)).toBe(false);
});

test("successful requests of an integration: attempts less failed attempts", () => {
  const metrics = [
    'alertmanager_notification_requests_total{integration="slack"} 5',
    'alertmanager_notification_requests_failed_total{integration="slack"} 2',
    'alertmanager_notification_requests_total{integration="pagerduty"} 1',
  ].join("\n");
  expect(successfulRequests(metrics, "slack")).toBe(3);
  expect(successfulRequests(metrics, "pagerduty")).toBe(1);
  expect(successfulRequests(metrics, "webhook")).toBe(0);
});

describe("what the managed collector must scrape for the managed evaluator", () => {
  const prod = stackConfigForRender("prod");
  const scope = (namespace: string) => `project_id="${prod.gcp.project}", location="${prod.cluster.location}", cluster="${prod.cluster.name}", namespace="${namespace}"`;
  const withoutBackstop = testStackConfig("prod", { alerts: (a) => void ((a.outage as Record<string, unknown>).backstop = "none") });

  test("the outage backstop reads both probes and every replica's /federate, each in the monitoring namespace's scope; a stack placing nothing there reads nothing", () => {
    expect(managedScrapes(prod)).toEqual([
      { selector: `up{job="${probeJob(prod)}", ${scope(prod.namespaces.monitoring)}}`, targets: 1 },
      { selector: `up{job="${publicProbeJob(prod)}", ${scope(prod.namespaces.monitoring)}}`, targets: 1 },
      { selector: `up{job="${clusterPagesJob(prod)}", ${scope(prod.namespaces.monitoring)}}`, targets: prod.prometheus.replicas },
    ]);
    expect(managedScrapes(withoutBackstop)).toEqual([]);
  });

  test("every replica up passes; one missing, one down, or none fails, named", () => {
    const [, , replicas] = managedScrapes(prod);
    const sample = (instance: string, value: string) => ({ metric: { instance }, value: [0, value] as [number, string] });
    expect(managedScrapeUp("m", replicas, [sample("p-0:http-web", "1"), sample("p-1:http-web", "1")]).ok).toBe(true);
    expect(managedScrapeUp("m", replicas, [sample("p-0:http-web", "1")])).toMatchObject({ ok: false, detail: "1 up, 2 expected" });
    expect(managedScrapeUp("m", replicas, [sample("p-0:http-web", "1"), sample("p-1:http-web", "0")])).toMatchObject({ ok: false, detail: "down: p-1:http-web" });
    expect(managedScrapeUp("m", replicas, []).detail).toMatch(/the managed collector has not scraped it/);
  });

  test("Monarch's query API is required exactly when the stack places rules in the managed evaluator", () => {
    expect(managedSourceProblem(prod, "prod", undefined)).toContain(`--managed-prometheus https://monitoring.googleapis.com/v1/projects/${prod.gcp.project}/location/global/prometheus`);
    expect(managedSourceProblem(prod, "prod", "https://monarch.example")).toBeUndefined();
    expect(managedSourceProblem(withoutBackstop, "prod", "https://monarch.example")).toContain("places no rules in the managed rule evaluator");
    expect(managedSourceProblem(withoutBackstop, "prod", undefined)).toBeUndefined();
  });

  test("verify stops with a usage error before any request when it is missing", async () => {
    const lines: string[] = [];
    expect(await verify(["--stack", "prod"], {}, (l) => lines.push(l))).toBe(2);
    expect(lines.join("\n")).toContain("--managed-prometheus https://monitoring.googleapis.com/");
  });
});

test("each stack's Monarch selectors read its own scrapes only, with both environments' side by side (promtool)", () => {
  const stacks = STACKS.map((s) => stackConfigForRender(s));
  // Every scrape of both stacks, up in each, in one store as Monarch holds them.
  const input = stacks.flatMap((c) =>
    managedScrapes(c).flatMap((m, i) =>
      Array.from({ length: m.targets }, (_, r) => ({ series: m.selector.replace("}", `, instance="${c.environment}-${i}-${r}:http"}`), values: "1x10" })),
    ),
  );
  const tests = stacks.flatMap((c) =>
    managedScrapes(c).map((m) => ({
      expr: `count(${m.selector})`,
      eval_time: "5m",
      exp_samples: [{ labels: "{}", value: m.targets }],
    })),
  );
  const file = { rule_files: [], tests: [{ interval: "1m", input_series: input, promql_expr_test: tests }] };
  expect(new Set(stacks.map((c) => managedScrapes(c)[0].selector)).size).toBe(stacks.length);
  const dir = writeTemp({ "scopes.test.yml": toYaml(file) });
  const r = run(PROMTOOL, ["test", "rules", "scopes.test.yml"], dir);
  if (r.code !== 0) throw new Error(`promtool test rules failed:\n${r.output}`);
});
